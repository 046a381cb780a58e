import type { AiAssistantSource } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { CodeSnippet } from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/core-plugin-api';
import Link from '@material-ui/core/Link';
import { makeStyles } from '@material-ui/core/styles';
import type { ReactNode } from 'react';
import { memo, useMemo } from 'react';
import ReactMarkdown, { Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import {
  createLinkPolicy,
  describeUnlinkedUrl,
  LINK_ALLOW_LIST_KEY,
} from '../../lib/linkPolicy';
import { safeUrl } from '../../lib/safeUrl';
import { CopyButton } from '../CopyButton';
import { markdownBlocks } from './markdownBlocks';
import { CITATION_HREF_PREFIX, remarkCitations } from './remarkCitations';

const REMARK_PLUGINS = [remarkGfm, remarkCitations];

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
  // The copy button sits on the block's top right corner, over the code's padding.
  codeBlock: { position: 'relative' },
  codeCopy: {
    position: 'absolute',
    top: theme.spacing(0.5),
    right: theme.spacing(0.5),
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    paddingRight: theme.spacing(0.5),
    borderRadius: theme.shape.borderRadius,
    backgroundColor: theme.palette.background.paper,
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

function ExternalLink(props: {
  href?: string;
  children?: ReactNode;
  isLinkable: (url: string) => boolean;
}) {
  const { children, isLinkable } = props;
  const href = safeUrl(props.href);
  if (!href) {
    return <>{children}</>;
  }
  if (!isLinkable(href)) {
    // A bare URL already shows its host; a labelled link gets its origin after the label.
    return textOf(children) === href ? (
      <>{children}</>
    ) : (
      <>
        {children} ({describeUnlinkedUrl(href)})
      </>
    );
  }
  return (
    <Link href={href} target="_blank" rel="noopener noreferrer nofollow">
      {children}
    </Link>
  );
}

function textOf(children: ReactNode): string | undefined {
  const parts = Array.isArray(children) ? children : [children];
  return parts.every(part => typeof part === 'string')
    ? parts.join('')
    : undefined;
}

// One top-level block; unchanged blocks of a streaming answer are not parsed again.
const MarkdownBlock = memo(function ParsedMarkdownBlock(props: {
  text: string;
  components: Components;
}) {
  return (
    <ReactMarkdown remarkPlugins={REMARK_PLUGINS} components={props.components}>
      {props.text}
    </ReactMarkdown>
  );
});

/**
 * Renders an answer as GitHub-flavoured markdown (tables, task lists, fenced code with
 * highlighting) without ever turning model output into HTML: raw HTML shows as text because
 * no `rehype-raw` is used, links are limited to http(s) and in-app paths (see `safeUrl`), and
 * images show as links instead of loading, since an injected image URL could carry
 * conversation data to a third party. For the same reason a link is clickable only when its
 * host is one of the answer's sources' or on `aiAssistant.chat.linkAllowList` (see
 * `createLinkPolicy`); any other shows as text naming its origin.
 */
export function Markdown(props: MarkdownProps) {
  const { text, sources } = props;
  const classes = useStyles();
  const config = useApi(configApiRef);
  const isLinkable = useMemo(
    () =>
      createLinkPolicy(
        sources,
        config.getOptionalStringArray(LINK_ALLOW_LIST_KEY) ?? [],
      ),
    [sources, config],
  );

  const blocks = useMemo(() => markdownBlocks(text), [text]);
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
              title={
                source.section
                  ? `${source.title} › ${source.section}`
                  : source.title
              }
              aria-label={`Source ${number}: ${source.title}`}
            >
              [{number}]
            </Link>
          );
        }
        return (
          <ExternalLink href={href} isLinkable={isLinkable}>
            {children}
          </ExternalLink>
        );
      },
      img: ({ src, alt }) => (
        <ExternalLink href={src} isLinkable={isLinkable}>
          {alt || src || 'image'}
        </ExternalLink>
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
        const code = String(children).replace(/\n$/, '');
        return (
          <div className={classes.codeBlock}>
            <CodeSnippet text={code} language={language} />
            <CopyButton
              text={code}
              label="Copy code"
              className={classes.codeCopy}
            />
          </div>
        );
      },
    }),
    [
      sources,
      classes.citation,
      classes.codeBlock,
      classes.codeCopy,
      isLinkable,
    ],
  );

  return (
    <div className={classes.root}>
      {blocks.map((block, index) => (
        <MarkdownBlock key={index} text={block} components={components} />
      ))}
    </div>
  );
}
