import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { aiAssistantApiRef } from '../api';

/** The models the user may pick, default first, and the server's longest accepted question. */
export function useModels() {
  const api = useApi(aiAssistantApiRef);
  const { value, loading, error } = useAsync(() => api.getModels(), [api]);
  return {
    models: value?.models ?? [],
    defaultModelId: value?.defaultModelId,
    maxMessageLength: value?.maxMessageLength,
    loading,
    error,
  };
}
