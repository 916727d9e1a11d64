/**
 * An error as one line (cut with an ellipsis where it does not fit), and a "details" toggle
 * that opens all of it: QEMU's output, a long message's remaining lines.
 */
export function ErrorLine({ message, detail, testId }: { message: string; detail?: string; testId?: string }) {
  const [first = ''] = message.split('\n', 1);
  const full = detail && !message.includes(detail) ? `${message}\n${detail}` : message;
  return (
    <div className="error-line" role="alert" data-testid={testId}>
      <details>
        <summary>
          <span className="error-text" title={first}>
            {first}
          </span>
          <span className="error-more">details</span>
        </summary>
        <pre className="error-detail" data-testid="error-detail">
          {full}
        </pre>
      </details>
    </div>
  );
}
