import type { AiAssistantSource } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { CodeSnippet } from '@backstage/core-components';
import Link from '@material-ui/core/Link';
import { makeStyles } from '@material-ui/core/styles';
import type { ReactNode } from 'react';
import { useMemo } from 'react';
import ReactMarkdown, { Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { safeUrl } from '../../lib/safeUrl';
import { CITATION_HREF_PREFIX, remarkCitations } from './remarkCitations';

const useStyles = makeStyles(theme => ({
  root: {
    overflowWrap: 'anywhere',
    '& > :first-child': { marginTop: 0 },
    '& > :last-child': { marginBottom: 0 },
    '& table': {
      borderCollapse: 'collapse',
      display: 'block',
      overflowX: 'auto',
      margin: theme.spacing(1, 0),
    },
    '& th, & td': {
      border: `1px solid ${theme.palette.divider}`,
      padding: theme.spacing(0.5, 1),
      textAlign: 'left',
    },
    '& th': { backgroundColor: theme.palette.action.hover },
    '& :not(pre) > code': {
      backgroundColor: theme.palette.action.selected,
      borderRadius: theme.shape.borderRadius,
      padding: theme.spacing(0, 0.5),
      fontSize: '0.9em',
    },
    '& blockquote': {
      borderLeft: `4px solid ${theme.palette.divider}`,
      margin: theme.spacing(1, 0),
      paddingLeft: theme.spacing(2),
      color: theme.palette.text.secondary,
    },
  },
  citation: {
    fontSize: '0.8em',
    verticalAlign: 'super',
    lineHeight: 0,
    whiteSpace: 'nowrap',
  },
}));

// Fence names models use, mapped to the highlighter's language names where they differ.
const LANGUAGE_ALIASES: Record<string, string> = {
  ts: 'typescript',
  tsx: 'typescript',
  js: 'javascript',
  jsx: 'javascript',
  sh: 'bash',
  shell: 'bash',
  console: 'bash',
  yml: 'yaml',
  py: 'python',
  rb: 'ruby',
  kt: 'kotlin',
  cs: 'csharp',
  md: 'markdown',
};

/** Props of {@link Markdown}. */
export interface MarkdownProps {
  /** Markdown written by the model: untrusted. */
  text: string;
  /** The sources its `[n]` citations refer to, first is `[1]`. */
  sources: AiAssistantSource[];
}

function ExternalLink(props: { href?: string; children?: ReactNode }) {
  const href = safeUrl(props.href);
  if (!href) {
    return <>{props.children}</>;
  }
  return (
    <Link href={href} target="_blank" rel="noopener noreferrer nofollow">
      {props.children}
    </Link>
  );
}

/**
 * Renders an answer as GitHub-flavoured markdown (tables, task lists, fenced code with
 * highlighting) without ever turning model output into HTML: raw HTML shows as text because
 * no `rehype-raw` is used, links are limited to http(s) and in-app paths (see `safeUrl`), and
 * images show as links instead of loading, since an injected image URL could carry
 * conversation data to a third party.
 */
export function Markdown(props: MarkdownProps) {
  const { text, sources } = props;
  const classes = useStyles();

  const components = useMemo<Components>(
    () => ({
      a: ({ href, children }) => {
        if (href?.startsWith(CITATION_HREF_PREFIX)) {
          const number = Number(href.slice(CITATION_HREF_PREFIX.length));
          const source = sources[number - 1];
          const url = safeUrl(source?.url);
          if (!source || !url) {
            return <>{children}</>;
          }
          return (
            <Link
              href={url}
              target="_blank"
              rel="noopener noreferrer"
              className={classes.citation}
              title={source.title}
              aria-label={`Source ${number}: ${source.title}`}
            >
              [{number}]
            </Link>
          );
        }
        return <ExternalLink href={href}>{children}</ExternalLink>;
      },
      img: ({ src, alt }) => (
        <ExternalLink href={src}>{alt || src || 'image'}</ExternalLink>
      ),
      // CodeSnippet renders its own <pre>.
      pre: ({ children }) => <>{children}</>,
      code: ({ inline, className, children }) => {
        if (inline) {
          return <code>{children}</code>;
        }
        const fence = /language-([\w-]+)/
          .exec(className ?? '')?.[1]
          ?.toLowerCase();
        const language = fence ? (LANGUAGE_ALIASES[fence] ?? fence) : 'text';
        return (
          <CodeSnippet
            text={String(children).replace(/\n$/, '')}
            language={language}
            showCopyCodeButton
          />
        );
      },
    }),
    [sources, classes.citation],
  );

  return (
    <div className={classes.root}>
      <ReactMarkdown
        remarkPlugins={[remarkGfm, remarkCitations]}
        components={components}
      >
        {text}
      </ReactMarkdown>
    </div>
  );
}
