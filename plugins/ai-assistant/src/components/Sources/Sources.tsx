import type { AiAssistantSource } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import Button from '@material-ui/core/Button';
import Link from '@material-ui/core/Link';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useId, useState } from 'react';
import { safeUrl } from '../../lib/safeUrl';
import { citedFirst, SourceGroup } from './groupSources';

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
  preview: {
    maxWidth: 420,
    fontSize: theme.typography.body2.fontSize,
    whiteSpace: 'pre-wrap',
  },
  more: { marginTop: theme.spacing(0.5), textTransform: 'none' },
  // After `list`, so it wins: the `hidden` attribute loses to the list's `display: grid`.
  folded: { display: 'none' },
}));

/** What a citation points at: its section and the start of the passage. */
function Preview(props: { group: SourceGroup; className: string }) {
  const { section, excerpt } = props.group.source;
  return (
    <span className={props.className}>
      {section && <strong>{section}</strong>}
      {section && excerpt && <br />}
      {excerpt}
    </span>
  );
}

/** Props of {@link Sources}. */
export interface SourcesProps {
  sources: AiAssistantSource[];
  /** The answer, whose `[n]` citations put the documents it cites first. */
  answer?: string;
}

/**
 * The sources of an answer, one row per document: first those the answer cites, then, folded,
 * those it was given but did not cite. The backend sends one source per retrieved chunk and
 * `[n]` in the answer is the n-th of them, so a document's row shows every number that points
 * at it. Hovering or focusing a title previews the passage and its section.
 */
export function Sources(props: SourcesProps) {
  const classes = useStyles();
  const [unfolded, setUnfolded] = useState(false);
  const restId = useId();
  if (props.sources.length === 0) {
    return null;
  }
  const { cited, rest } = citedFirst(props.sources, props.answer ?? '');
  const row = (group: SourceGroup) => {
    const { key, source, numbers } = group;
    const url = safeUrl(source.url);
    const title = url ? (
      // Underlined: beside plain text, colour alone does not mark a link.
      <Link
        href={url}
        target="_blank"
        rel="noopener noreferrer"
        underline="always"
      >
        {source.title}
      </Link>
    ) : (
      // Focusable so that keyboard users get the passage preview that hovering shows.
      // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
      <span tabIndex={0}>{source.title}</span>
    );
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
          {source.section || source.excerpt ? (
            <Tooltip
              title={<Preview group={group} className={classes.preview} />}
              placement="top-start"
            >
              {title}
            </Tooltip>
          ) : (
            title
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
  };
  return (
    <section className={classes.root} aria-label="Sources">
      <Typography variant="overline" component="h3" color="textSecondary">
        Sources
      </Typography>
      <ol className={classes.list}>{cited.map(row)}</ol>
      {rest.length > 0 && (
        <>
          <Button
            size="small"
            className={classes.more}
            aria-expanded={unfolded}
            aria-controls={restId}
            onClick={() => setUnfolded(!unfolded)}
          >
            {unfolded
              ? 'Hide the sources the answer did not cite'
              : `${rest.length} more source${rest.length === 1 ? '' : 's'} not cited`}
          </Button>
          <ol
            id={restId}
            className={
              unfolded ? classes.list : `${classes.list} ${classes.folded}`
            }
            aria-label="Sources not cited"
          >
            {rest.map(row)}
          </ol>
        </>
      )}
    </section>
  );
}
