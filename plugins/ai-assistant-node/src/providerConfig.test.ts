import { ConfigReader } from '@backstage/config';
import { displayUrl, readProviderConnection } from './providerConfig';

const path = 'aiAssistant.models.ollama';
const read = (block: object) =>
  readProviderConnection(
    new ConfigReader({ aiAssistant: { models: { ollama: block } } }),
    path,
    { defaultBaseUrl: 'http://localhost:11434' },
  );

describe('readProviderConnection', () => {
  it('defaults the base URL and reads an optional API key', () => {
    expect(read({})).toEqual({
      baseUrl: 'http://localhost:11434',
      apiKey: undefined,
    });
    expect(read({ baseUrl: 'https://host/ollama', apiKey: 'k-123' })).toEqual({
      baseUrl: 'https://host/ollama',
      apiKey: 'k-123',
    });
  });

  it('names the key when the base URL is not an http(s) URL', () => {
    expect(() => read({ baseUrl: 'localhost:11434' })).toThrow(
      "Invalid config at 'aiAssistant.models.ollama.baseUrl': expected an http(s) URL such as http://localhost:11434",
    );
  });
});

describe('displayUrl', () => {
  it('drops credentials and the trailing slash', () => {
    expect(displayUrl('https://user:secret@host:8443/ollama/')).toBe(
      'https://host:8443/ollama',
    );
  });
});
