import type { ReactNode } from 'react';

/** A labelled form control with the API's message for that field under it. */
export function Field({ id, label, error, help, children }: { id: string; label: string; error?: string; help?: string; children: ReactNode }) {
  return (
    <div className={`field-row${error ? ' has-error' : ''}`} data-field={id.split('-').pop()}>
      <label htmlFor={id}>{label}</label>
      {children}
      {error ? (
        <small className="error" role="alert" data-testid="field-error">
          {error}
        </small>
      ) : (
        help && <small className="muted">{help}</small>
      )}
    </div>
  );
}
