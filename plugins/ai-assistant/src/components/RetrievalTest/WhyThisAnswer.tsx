import Button from '@material-ui/core/Button';
import SearchIcon from '@material-ui/icons/Search';
import { useCockpitNavigation } from '../Cockpit/CockpitNavigation';
import { RETRIEVAL_TEST_VIEW } from './RetrievalTest';

/**
 * "Why this answer?" on an answer of the admin's own: opens the retrieval test replaying that
 * answer's retrieval. Renders nothing outside the cockpit, i.e. for users who are not admins.
 */
export function WhyThisAnswer(props: { messageId: string }) {
  const navigation = useCockpitNavigation();
  if (!navigation) return null;
  return (
    <Button
      size="small"
      startIcon={<SearchIcon fontSize="small" />}
      onClick={() =>
        navigation.open(RETRIEVAL_TEST_VIEW, { messageId: props.messageId })
      }
    >
      Why this answer?
    </Button>
  );
}
