import type { AiAssistantModelInfo } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { describeError } from '../../lib/describeError';
import { useStatusTextStyles } from '../../lib/readableColor';

const useStyles = makeStyles(theme => ({
  select: { minWidth: 220 },
  unavailable: {
    marginLeft: theme.spacing(1),
    color: theme.palette.text.secondary,
  },
}));

/** Props of {@link ModelPicker}. */
export interface ModelPickerProps {
  models: AiAssistantModelInfo[];
  value?: string;
  onChange: (modelId: string) => void;
  loading: boolean;
  error?: Error;
  disabled?: boolean;
}

/**
 * Picks the model that answers. With no model configured it says so: the assistant then
 * still finds sources, which are worth showing. A model whose server did not answer the
 * backend's last check is marked, so that users see it before they ask; it stays selectable,
 * since the check is up to 30 seconds old and the server may be back.
 */
export function ModelPicker(props: ModelPickerProps) {
  const { models, value, onChange, loading, error, disabled } = props;
  const classes = useStyles();
  const status = useStatusTextStyles();
  if (loading) {
    return null;
  }
  if (error) {
    return (
      <Typography variant="body2" className={status.error} role="status">
        Could not load the models: {describeError(error).message}
      </Typography>
    );
  }
  if (models.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary" role="status">
        No chat model is configured: the assistant shows sources but cannot
        write answers.
      </Typography>
    );
  }
  return (
    <FormControl size="small" variant="outlined" className={classes.select}>
      <InputLabel id="ai-assistant-model-label">Model</InputLabel>
      <Select
        labelId="ai-assistant-model-label"
        // Named by the label and the model shown, so the name holds the visible words.
        SelectDisplayProps={{ id: 'ai-assistant-model-value' }}
        label="Model"
        value={value ?? models[0].id}
        disabled={disabled}
        onChange={event => onChange(String(event.target.value))}
      >
        {models.map(model => (
          <MenuItem
            key={model.id}
            value={model.id}
            title={
              model.reachable === false ? model.unreachableReason : undefined
            }
          >
            {model.displayName}
            {/* A space, so a screen reader does not run the name and the note together. */}
            {model.reachable === false && ' '}
            {model.reachable === false && (
              <Typography
                component="span"
                variant="caption"
                className={classes.unavailable}
              >
                (unavailable)
              </Typography>
            )}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}
