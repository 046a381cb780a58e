import Typography from '@material-ui/core/Typography';

// Stand-ins so the frame, its tabs and its tests exist before each view does. Each is
// replaced (in cockpitViews.tsx) by its real view and then deleted from here.

function Placeholder(props: { name: string }) {
  return (
    <Typography color="textSecondary">
      The {props.name} view is not available yet.
    </Typography>
  );
}

/** Placeholder for the Retrieval test view (helper E replaces it). */
export function RetrievalTestPlaceholder() {
  return <Placeholder name="retrieval test" />;
}

/** Placeholder for the Usage and cost view (helper F replaces it). */
export function UsagePlaceholder() {
  return <Placeholder name="usage" />;
}
