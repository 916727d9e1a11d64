import { useRef, useState, type FormEvent } from 'react';
import { errorMessage } from '../../api/client';
import { uploadVolume, type UploadProgress } from '../../api/storage';
import type { VolumeSummary } from '../../api/types';
import { formatBytes, formatPercent } from '../../format';
import { ErrorLine } from '../common/ErrorLine';

/** Uploads an ISO or disk image as a volume, showing how far it got; cancelling leaves no partial file. */
export function UploadVolumeForm({ pool, onUploaded }: { pool: string; onUploaded: (volume: VolumeSummary) => Promise<void> | void }) {
  const [file, setFile] = useState<File>();
  const [name, setName] = useState('');
  const [progress, setProgress] = useState<UploadProgress>();
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const abort = useRef<AbortController | undefined>(undefined);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    const target = name.trim() || file.name;
    const controller = new AbortController();
    abort.current = controller;
    setError(undefined);
    setDone(undefined);
    setProgress({ loaded: 0, total: file.size });
    try {
      const uploaded = await uploadVolume(pool, target, file, setProgress, controller.signal);
      setDone(`Uploaded ${target} (${formatBytes(file.size)})`);
      await onUploaded(uploaded);
    } catch (err) {
      setError(controller.signal.aborted ? `The upload of ${target} was cancelled; nothing was kept` : errorMessage(err));
    } finally {
      abort.current = undefined;
      setProgress(undefined);
    }
  };

  const percent = progress && progress.total > 0 ? (100 * progress.loaded) / progress.total : 0;
  return (
    <form className="storage-form" onSubmit={(e) => void submit(e)} data-testid="upload-volume">
      <h3>Upload an ISO or image</h3>
      <input
        type="file"
        onChange={(e) => {
          const picked = e.target.files?.[0];
          setFile(picked);
          setName(picked?.name ?? '');
        }}
        disabled={progress !== undefined}
        data-testid="upload-file"
        aria-label="File to upload"
      />
      <label>
        as <input value={name} onChange={(e) => setName(e.target.value)} disabled={progress !== undefined} data-testid="upload-name" />
      </label>
      {progress ? (
        <>
          <progress max={100} value={percent} aria-label="upload progress" />
          <span data-testid="upload-progress">
            {formatPercent(percent)} · {formatBytes(progress.loaded)} of {formatBytes(progress.total)}
          </span>
          <button type="button" onClick={() => abort.current?.abort()} data-testid="upload-cancel">
            Cancel
          </button>
        </>
      ) : (
        <button type="submit" disabled={!file} data-testid="upload-submit">
          Upload
        </button>
      )}
      {done ? (
        <p role="status" data-testid="upload-done">
          {done}
        </p>
      ) : null}
      {error ? <ErrorLine message={error} testId="upload-error" /> : null}
    </form>
  );
}
