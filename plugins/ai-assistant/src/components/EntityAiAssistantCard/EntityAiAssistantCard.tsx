import { stringifyEntityRef } from '@backstage/catalog-model';
import { InfoCard } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import { makeStyles } from '@material-ui/core/styles';
import { FormEvent, useId, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { askAboutEntityLink } from '../../lib/entityLink';
import { rootRouteRef } from '../../routes';

const useStyles = makeStyles(theme => ({
  form: { display: 'flex', gap: theme.spacing(1), alignItems: 'flex-start' },
  examples: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    marginTop: theme.spacing(1.5),
  },
  // Questions read as sentences, not as shouted button labels.
  example: { textTransform: 'none' },
}));

/** Where the page is when the app has not mounted it under a route the card can resolve. */
const DEFAULT_PAGE_PATH = '/ai-assistant';

/** Questions that fit any entity, so the card shows what the assistant can tell about it. */
export function exampleQuestions(name: string): string[] {
  return [
    `What does ${name} do?`,
    `Who owns ${name}?`,
    `How do I use ${name}?`,
  ];
}

/**
 * The assistant page's path. The route ref resolves where the app mounted the page; apps that
 * did not bind it (or run the new frontend system) get the default path instead of a crash.
 */
function useAssistantPagePath(): string {
  try {
    return useRouteRef(rootRouteRef)?.() ?? DEFAULT_PAGE_PATH;
  } catch {
    return DEFAULT_PAGE_PATH;
  }
}

/**
 * A card for catalog entity pages: ask the AI assistant about the page's entity. Asking opens
 * the assistant page with the entity as context, so its answers favour that entity's
 * knowledge. Must be rendered inside an entity page (it reads the entity with `useEntity`).
 *
 * @public
 */
export function EntityAiAssistantCard(props: {
  /** The card's title; default "Ask the AI Assistant". */
  title?: string;
}) {
  const classes = useStyles();
  const { entity } = useEntity();
  const navigate = useNavigate();
  const pagePath = useAssistantPagePath();
  const [question, setQuestion] = useState('');
  // Ties the label to the field, so it is the field's accessible name.
  const fieldId = useId();
  const entityRef = stringifyEntityRef(entity);
  const name = entity.metadata.title ?? entity.metadata.name;

  const ask = (text: string) => {
    if (text.trim()) {
      navigate(askAboutEntityLink(pagePath, entityRef, text.trim()));
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    ask(question);
  };

  return (
    <InfoCard title={props.title ?? 'Ask the AI Assistant'}>
      <form className={classes.form} onSubmit={submit}>
        <TextField
          id={fieldId}
          label={`Ask about ${name}`}
          value={question}
          onChange={event => setQuestion(event.target.value)}
          variant="outlined"
          size="small"
          fullWidth
        />
        <Button
          type="submit"
          variant="contained"
          color="primary"
          disabled={!question.trim()}
        >
          Ask
        </Button>
      </form>
      <div className={classes.examples}>
        {exampleQuestions(name).map(example => (
          <Button
            key={example}
            variant="outlined"
            size="small"
            className={classes.example}
            onClick={() => ask(example)}
          >
            {example}
          </Button>
        ))}
      </div>
    </InfoCard>
  );
}
