import { keywordText } from './keywordText';

// What the keyword index sees of a text, lower-cased word by word. The searches these make
// possible are asserted end to end, on Postgres, in database/keywordSearch.test.ts.
const terms = (text: string) =>
  new Set(keywordText(text).toLowerCase().split(/\s+/));

describe('keywordText', () => {
  it.each([
    [
      ['--dns01-recursive-nameservers', 'dns01-recursive-nameservers'],
      'dns01recursivenameservers',
    ],
    [
      ['AWS_ACCESS_KEY_ID', 'awsAccessKeyId', 'aws-access-key-id'],
      'awsaccesskeyid',
    ],
    [['spec.acme.solvers', 'spec_acme_solvers'], 'specacmesolvers'],
    [
      [
        'waitInsteadOfSelfCheck',
        'wait_instead_of_self_check',
        'wait-instead-of-self-check',
      ],
      'waitinsteadofselfcheck',
    ],
    [
      ['cert-manager.io/issuer-name', 'the issuer-name annotation'],
      'issuername',
    ],
  ])(
    'gives %p one shared term however the identifier is typed',
    (spellings, shared) => {
      for (const spelling of spellings) {
        expect(terms(`Set ${spelling} first.`)).toContain(shared);
      }
    },
  );

  it('spells out the words of an identifier, so the words alone find it', () => {
    for (const word of ['spec', 'acme', 'solvers']) {
      expect(terms('Configure spec.acme.solvers.')).toContain(word);
    }
    for (const word of ['wait', 'instead', 'of', 'self', 'check']) {
      expect(terms('Set waitInsteadOfSelfCheck.')).toContain(word);
    }
  });

  it('leaves text without identifiers as it is', () => {
    const prose = 'Restart the pods, then check GOMEMLIMIT and the logs.';
    expect(keywordText(prose)).toBe(prose);
  });
});
