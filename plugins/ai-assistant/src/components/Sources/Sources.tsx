import type { AiAssistantSource } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import Link from '@material-ui/core/Link';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { safeUrl } from '../../lib/safeUrl';
import { groupSources } from './groupSources';

const useStyles = makeStyles(theme => ({
  root: {
    marginTop: theme.spacing(1.5),
    paddingTop: theme.spacing(1),
    borderTop: `1px solid ${theme.palette.divider}`,
  },
  // One grid for all rows, so titles line up after the widest set of numbers; a document
  // cited by many chunks wraps its numbers rather than squeezing its title.
  list: {
    display: 'grid',
    gridTemplateColumns: 'fit-content(40%) 1fr',
    columnGap: theme.spacing(1),
    margin: 0,
    paddingLeft: 0,
    listStyle: 'none',
  },
  item: {
    display: 'grid',
    gridColumn: '1 / -1',
    gridTemplateColumns: 'subgrid',
    alignItems: 'baseline',
    padding: theme.spacing(0.25, 0),
  },
  numbers: {
    minWidth: '2.5em',
    color: theme.palette.text.secondary,
    fontVariantNumeric: 'tabular-nums',
  },
}));

/** Props of {@link Sources}. */
export interface SourcesProps {
  sources: AiAssistantSource[];
}

/**
 * The sources of an answer, one row per document. The backend sends one source per
 * retrieved chunk and `[n]` in the answer is the n-th of them, so a document's row shows
 * every number that points at it.
 */
export function Sources(props: SourcesProps) {
  const classes = useStyles();
  if (props.sources.length === 0) {
    return null;
  }
  return (
    <section className={classes.root} aria-label="Sources">
      <Typography variant="overline" component="h3" color="textSecondary">
        Sources
      </Typography>
      <ol className={classes.list}>
        {groupSources(props.sources).map(({ key, source, numbers }) => {
          const url = safeUrl(source.url);
          return (
            <li key={key} className={classes.item}>
              <Typography
                variant="body2"
                component="span"
                className={classes.numbers}
              >
                {numbers.map(number => `[${number}]`).join(' ')}
              </Typography>
              <Typography variant="body2" component="span">
                {url ? (
                  <Link href={url} target="_blank" rel="noopener noreferrer">
                    {source.title}
                  </Link>
                ) : (
                  source.title
                )}
                {source.entityRef && (
                  <Typography
                    variant="caption"
                    color="textSecondary"
                    component="span"
                  >
                    {' '}
                    · {source.entityRef}
                  </Typography>
                )}
              </Typography>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
