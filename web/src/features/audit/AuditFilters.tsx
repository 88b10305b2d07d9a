import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditQuery } from '../../api/types';
import { parseHktLocal } from '../../time/format';

interface Form {
  from: string;
  to: string;
  actorId: string;
  action: string;
  cameraId: string;
  caseRef: string;
}

const EMPTY: Form = { from: '', to: '', actorId: '', action: '', cameraId: '', caseRef: '' };

function toQuery(f: Form): AuditQuery {
  const s = (v: string) => v.trim() || undefined;
  return {
    from: parseHktLocal(f.from) ?? undefined,
    to: parseHktLocal(f.to) ?? undefined,
    actorId: s(f.actorId),
    action: s(f.action),
    cameraId: s(f.cameraId),
    caseRef: s(f.caseRef),
  };
}

export function AuditFilters({ onApply }: { onApply(q: AuditQuery): void }) {
  const { t } = useTranslation();
  const [form, setForm] = useState<Form>(EMPTY);
  const set = (k: keyof Form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply(toQuery(form));
  };
  const clear = () => {
    setForm(EMPTY);
    onApply({});
  };
  const text = (k: Exclude<keyof Form, 'from' | 'to'>, label: string) => (
    <label>
      {label}
      <input value={form[k]} onChange={set(k)} data-testid={`audit-filter-${k}`} />
    </label>
  );
  return (
    <form className="filters audit-filters" onSubmit={submit} role="search">
      <label>
        {t('audit.filters.from')}
        <input type="datetime-local" value={form.from} onChange={set('from')} data-testid="audit-filter-from" />
      </label>
      <label>
        {t('audit.filters.to')}
        <input type="datetime-local" value={form.to} onChange={set('to')} data-testid="audit-filter-to" />
      </label>
      {text('actorId', t('audit.filters.actor'))}
      {text('action', t('audit.filters.action'))}
      {text('cameraId', t('audit.filters.camera'))}
      {text('caseRef', t('audit.filters.case'))}
      <div className="filter-buttons">
        <button type="submit" className="primary">
          {t('common.search')}
        </button>
        <button type="button" onClick={clear}>
          {t('common.clear')}
        </button>
      </div>
    </form>
  );
}
