import type {
  RetrievalTestChunk,
  RetrievalTestFusedChunk,
  RetrievalTestResult,
  RetrievalTestSearch,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Link from '@material-ui/core/Link';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import type { ReactNode } from 'react';

const useStyles = makeStyles(theme => ({
  legs: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(320px, 1fr))',
    gap: theme.spacing(2),
  },
  query: {
    fontFamily: 'monospace',
    overflowWrap: 'anywhere',
    backgroundColor: theme.palette.action.hover,
    padding: theme.spacing(0.5, 1),
    borderRadius: theme.shape.borderRadius,
  },
  section: { marginTop: theme.spacing(3) },
  chunk: {
    marginTop: theme.spacing(1.5),
    paddingLeft: theme.spacing(1.5),
    borderLeft: `3px solid ${theme.palette.divider}`,
  },
  content: {
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
    maxHeight: 160,
    overflowY: 'auto',
  },
  chips: { display: 'flex', gap: theme.spacing(0.5), flexWrap: 'wrap' },
}));

const STEP_TITLES: Record<RetrievalTestSearch['step'], string> = {
  entity: "The entity's own knowledge",
  search: 'Search',
  restricted: 'Search within the readable entities',
};

const score = (value: number) => value.toFixed(3);

/** A candidate's title and section, or why it is not shown. */
function Title(props: { chunk: RetrievalTestChunk }) {
  const { chunk } = props;
  if (chunk.hidden) {
    return (
      <Typography variant="body2" color="textSecondary" component="span">
        (a chunk you may not read)
      </Typography>
    );
  }
  return (
    <>
      {chunk.url ? (
        <Link href={chunk.url} target="_blank" rel="noopener">
          {chunk.title}
        </Link>
      ) : (
        chunk.title
      )}
      {chunk.section && (
        <Typography variant="caption" color="textSecondary" display="block">
          {chunk.section}
        </Typography>
      )}
    </>
  );
}

function CandidateTable(props: {
  label: string;
  candidates: RetrievalTestChunk[];
  scoreLabel: string;
}) {
  if (props.candidates.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No candidates.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label={props.label}>
      <TableHead>
        <TableRow>
          <TableCell>Rank</TableCell>
          <TableCell>{props.scoreLabel}</TableCell>
          <TableCell>Title / section</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.candidates.map(chunk => (
          <TableRow key={chunk.chunkId}>
            <TableCell>{chunk.rank}</TableCell>
            <TableCell>{score(chunk.score)}</TableCell>
            <TableCell>
              <Title chunk={chunk} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function Leg(props: { title: string; query: ReactNode; children: ReactNode }) {
  return (
    <Box component="section" aria-label={props.title}>
      <Typography variant="subtitle1" component="h4">
        {props.title}
      </Typography>
      {props.query}
      {props.children}
    </Box>
  );
}

/** What became of a fused candidate, in the admin's words. */
function outcomeOf(chunk: RetrievalTestFusedChunk): string {
  if (chunk.removedByPermission) {
    return 'Removed by permission';
  }
  return chunk.returned ? 'Returned' : 'Below the cut';
}

function SearchTrace(props: { search: RetrievalTestSearch }) {
  const { search } = props;
  const classes = useStyles();
  const { vector, keyword } = search;
  return (
    <Box component="section" className={classes.section}>
      <Typography variant="h6" component="h3">
        {STEP_TITLES[search.step]}
      </Typography>
      <div className={classes.legs}>
        <Leg
          title="Vector leg"
          query={
            <Typography variant="body2" paragraph>
              Embedded text:{' '}
              <span className={classes.query}>{vector.text}</span> (
              {vector.embeddingModel})
            </Typography>
          }
        >
          <CandidateTable
            label="Vector leg candidates"
            scoreLabel="Similarity"
            candidates={vector.candidates}
          />
        </Leg>
        <Leg
          title="Keyword leg"
          query={
            <Typography variant="body2" paragraph component="div">
              Query:{' '}
              <span className={classes.query}>
                {keyword.tsquery ?? '(no word of the question is indexed)'}
              </span>
              {keyword.andFallback && (
                <>
                  {' '}
                  <Chip
                    size="small"
                    label="AND fallback: every term is common"
                  />
                </>
              )}
              {keyword.terms.length > 0 && (
                <Typography variant="caption" display="block">
                  Terms (rarest first):{' '}
                  {keyword.terms
                    .map(
                      term =>
                        `${term.lexeme} (idf ${term.idf.toFixed(2)}${term.matched ? '' : ', scores only'})`,
                    )
                    .join(', ')}
                </Typography>
              )}
            </Typography>
          }
        >
          <CandidateTable
            label="Keyword leg candidates"
            scoreLabel="Score"
            candidates={keyword.candidates}
          />
        </Leg>
      </div>
      <Box mt={2}>
        <Typography variant="subtitle1" component="h4">
          Fused ranking
        </Typography>
        <Typography variant="caption" color="textSecondary" paragraph>
          Both legs' scores scaled to 0–1 and weighted; later chunks of a
          document count less. The first {search.limit} were returned;{' '}
          {search.removedByPermission} of those removed by the permission
          filter.
        </Typography>
        <Table size="small" aria-label="Fused ranking">
          <TableHead>
            <TableRow>
              <TableCell>Rank</TableCell>
              <TableCell>Fused score</TableCell>
              <TableCell>Vector rank</TableCell>
              <TableCell>Keyword rank</TableCell>
              <TableCell>Title / section</TableCell>
              <TableCell>Outcome</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {search.fused.map(chunk => (
              <TableRow key={chunk.chunkId}>
                <TableCell>{chunk.rank}</TableCell>
                <TableCell>{score(chunk.score)}</TableCell>
                <TableCell>{chunk.vectorRank ?? '–'}</TableCell>
                <TableCell>{chunk.keywordRank ?? '–'}</TableCell>
                <TableCell>
                  <Title chunk={chunk} />
                </TableCell>
                <TableCell>{outcomeOf(chunk)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Box>
    </Box>
  );
}

/** Everything a retrieval test found, search by search, then the prompt's chunks. */
export function RetrievalTestResults(props: { result: RetrievalTestResult }) {
  const { result } = props;
  const classes = useStyles();
  const { permissions, replay } = result;
  return (
    <div aria-label="Retrieval test results" role="region">
      {replay && (
        <Alert severity="info">
          Replaying your answer of{' '}
          {new Date(replay.answeredAt).toLocaleString()} against today's index:
          “{result.question}”{result.entityRef && ` about ${result.entityRef}`}.
          {replay.embeddingModel !== replay.currentEmbeddingModel &&
            ` It was embedded with ${replay.embeddingModel}; the index now uses ${replay.currentEmbeddingModel}.`}{' '}
          The answer was given:{' '}
          {replay.answeredSources.length > 0
            ? replay.answeredSources.map(source => source.title).join('; ')
            : 'no sources'}
          .
        </Alert>
      )}
      <Box mt={2} className={classes.chips}>
        <Chip
          label={`Removed by the permission filter: ${result.removedByPermission}`}
        />
        <Chip label={`Permissions of ${permissions.user}`} />
      </Box>
      {permissions.mode === 'noEntities' && (
        <Box mt={1}>
          <Alert severity="warning">
            Backstage cannot ask the permission policy about another user, so
            the filter ran as for a user who may read no catalog entity: what
            every user gets at least. Chunks of entities are removed here even
            if {permissions.user} may read them.
          </Alert>
        </Box>
      )}
      {permissions.entityNotReadable && (
        <Box mt={1}>
          <Alert severity="warning">
            {permissions.user} may not read {permissions.entityNotReadable}, so
            its own knowledge was skipped.
          </Alert>
        </Box>
      )}
      {result.searches.map(search => (
        <SearchTrace key={search.step} search={search} />
      ))}
      <Box component="section" className={classes.section}>
        <Typography variant="h6" component="h3">
          Chunks in the prompt
        </Typography>
        {result.promptChunks.length === 0 ? (
          <Typography variant="body2" color="textSecondary">
            None: the model would be told that no sources were found.
          </Typography>
        ) : (
          <ol aria-label="Chunks in the prompt" style={{ paddingLeft: 0 }}>
            {result.promptChunks.map(chunk => (
              <li
                key={chunk.chunkId}
                className={classes.chunk}
                style={{ listStyle: 'none' }}
              >
                <Typography variant="subtitle2" component="div">
                  [{chunk.n}]{' '}
                  <Link href={chunk.url} target="_blank" rel="noopener">
                    {chunk.title}
                  </Link>
                  {chunk.section && ` — ${chunk.section}`}{' '}
                  <Typography
                    variant="caption"
                    color="textSecondary"
                    component="span"
                  >
                    ({chunk.source}, score {score(chunk.score)})
                  </Typography>
                </Typography>
                <Typography
                  variant="body2"
                  className={classes.content}
                  component="div"
                >
                  {chunk.content}
                </Typography>
              </li>
            ))}
          </ol>
        )}
      </Box>
    </div>
  );
}
