import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from "react";

interface Frame {
  label: ReactNode;
  error?: string | undefined;
  hint?: ReactNode;
}

function useFieldIds(id?: string) {
  const generated = useId();
  const base = id ?? generated;
  return { id: base, hint: `${base}-hint`, error: `${base}-error` };
}

function describedBy(ids: ReturnType<typeof useFieldIds>, hint: unknown, error: unknown): string | undefined {
  const parts = [hint ? ids.hint : "", error ? ids.error : ""].filter(Boolean);
  return parts.length ? parts.join(" ") : undefined;
}

function Messages({ ids, hint, error }: { ids: ReturnType<typeof useFieldIds>; hint?: ReactNode; error?: string | undefined }) {
  return (
    <>
      {hint ? <span id={ids.hint} className="hint">{hint}</span> : null}
      {error ? <span id={ids.error} className="error">{error}</span> : null}
    </>
  );
}

export type TextFieldProps = Frame & InputHTMLAttributes<HTMLInputElement>;

/** A labelled input; the API's problem for this field shows under it. */
export function TextField({ label, error, hint, id, className, ...input }: TextFieldProps) {
  const ids = useFieldIds(id);
  return (
    <div className={`field ${className ?? ""}`}>
      <label htmlFor={ids.id}>{label}</label>
      <input id={ids.id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(ids, hint, error)} {...input} />
      <Messages ids={ids} hint={hint} error={error} />
    </div>
  );
}

export interface Option {
  value: string;
  label: string;
}

export type SelectFieldProps = Frame & SelectHTMLAttributes<HTMLSelectElement> & { options: readonly Option[]; placeholder?: string };

export function SelectField({ label, error, hint, id, options, placeholder, className, ...select }: SelectFieldProps) {
  const ids = useFieldIds(id);
  return (
    <div className={`field ${className ?? ""}`}>
      <label htmlFor={ids.id}>{label}</label>
      <select id={ids.id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(ids, hint, error)} {...select}>
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {options.map((option) => (
          <option key={option.value} value={option.value}>{option.label}</option>
        ))}
      </select>
      <Messages ids={ids} hint={hint} error={error} />
    </div>
  );
}

export type TextAreaFieldProps = Frame & TextareaHTMLAttributes<HTMLTextAreaElement>;

export function TextAreaField({ label, error, hint, id, className, ...area }: TextAreaFieldProps) {
  const ids = useFieldIds(id);
  return (
    <div className={`field ${className ?? ""}`}>
      <label htmlFor={ids.id}>{label}</label>
      <textarea id={ids.id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(ids, hint, error)} {...area} />
      <Messages ids={ids} hint={hint} error={error} />
    </div>
  );
}

export function Checkbox({ label, id, ...input }: { label: ReactNode } & InputHTMLAttributes<HTMLInputElement>) {
  const ids = useFieldIds(id);
  return (
    <div className="checkbox">
      <input type="checkbox" id={ids.id} {...input} />
      <label htmlFor={ids.id}>{label}</label>
    </div>
  );
}
