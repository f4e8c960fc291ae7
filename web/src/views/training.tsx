/**
 * Training: each collector's courses with completion and expiry, whether they may take calls
 * (a compliance course expired or missing stops their calls until renewed), and for supervisors
 * recording a completion and adding a course.
 */
import { useState } from 'react';
import { get, post } from '../api.ts';
import { Async, Card, ErrorNote, Field, useAction, useLoad } from '../components/ui.tsx';
import { useI18n } from '../i18n/index.tsx';
import { useUser } from '../session.ts';
import { SUPERVISING } from './performance.tsx';

interface Course {
  id: string;
  title: string;
  compliance: boolean;
  validityMonths: number | null;
}
interface Status {
  day: string;
  courses: Course[];
  collectors: {
    id: string;
    name: string;
    team: string | null;
    active: boolean;
    mayTakeCalls: boolean;
    reason: string | null;
    courses: {
      courseId: string;
      title: string;
      compliance: boolean;
      status: string;
      completedOn: string | null;
      expiresOn: string | null;
    }[];
  }[];
}
const TONE: Record<string, string> = {
  valid: 'tag good',
  expiring: 'tag warn',
  expired: 'tag bad',
  missing: 'tag bad',
};

export default function TrainingView() {
  const { t, date, tm } = useI18n();
  const user = useUser();
  const status = useLoad(() => get<Status>('/api/training/status'), []);
  return (
    <div data-testid="training">
      <h1>{t('nav.training')}</h1>
      <Async state={status}>
        {(s) => (
          <>
            <Card title={t('train.status', { day: date(s.day) })}>
              <div className="table-wrap">
                <table data-testid="training-status">
                  <thead>
                    <tr>
                      <th>{t('perf.collector')}</th>
                      <th>{t('train.mayCall')}</th>
                      {s.courses.map((c) => (
                        <th key={c.id}>
                          {c.title}
                          {c.compliance && <div className="tag warn">{t('train.compliance')}</div>}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {s.collectors.map((c) => (
                      <tr key={c.id}>
                        <td>
                          {c.name} <span className="muted small">{c.team}</span>
                        </td>
                        <td>
                          {c.mayTakeCalls ? (
                            <span className="tag good">{t('common.yes')}</span>
                          ) : (
                            <span className="tag bad" title={c.reason ?? ''}>
                              {t('train.noCalls')}
                            </span>
                          )}
                        </td>
                        {s.courses.map((course) => {
                          const x = c.courses.find((y) => y.courseId === course.id);
                          return (
                            <td key={course.id}>
                              <span className={TONE[x?.status ?? 'missing']}>
                                {tm(`train.${x?.status ?? 'missing'}`)}
                              </span>
                              <div className="muted small">
                                {x?.completedOn && `${date(x.completedOn)} → ${date(x.expiresOn)}`}
                              </div>
                            </td>
                          );
                        })}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </Card>
            {SUPERVISING.has(user.role) && <Record s={s} onDone={status.reload} />}
          </>
        )}
      </Async>
    </div>
  );
}

function Record({ s, onDone }: { s: Status; onDone: () => void }) {
  const { t } = useI18n();
  const [collector, setCollector] = useState(s.collectors[0]?.id ?? '');
  const [course, setCourse] = useState(s.courses[0]?.id ?? '');
  const [completedOn, setCompletedOn] = useState(() => new Date().toISOString().slice(0, 10));
  const [c, setC] = useState({ id: '', title: '', compliance: false, validityMonths: '12' });
  const record = useAction(async () => {
    await post('/api/training/completions', { collector, course, completedOn });
    onDone();
  });
  const add = useAction(async () => {
    await post('/api/training/courses', {
      id: c.id,
      title: c.title,
      compliance: c.compliance,
      ...(c.validityMonths ? { validityMonths: Number(c.validityMonths) } : {}),
    });
    onDone();
  });
  return (
    <div className="grid wide">
      <Card title={t('train.record')}>
        <form
          className="form-row"
          onSubmit={(e) => {
            e.preventDefault();
            void record.run();
          }}
        >
          <Field label={t('perf.collector')}>
            <select value={collector} onChange={(e) => setCollector(e.target.value)}>
              {s.collectors.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('train.course')}>
            <select value={course} onChange={(e) => setCourse(e.target.value)}>
              {s.courses.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.title}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('train.completedOn')}>
            <input
              type="date"
              value={completedOn}
              onChange={(e) => setCompletedOn(e.target.value)}
            />
          </Field>
          <button type="submit" className="primary" disabled={record.busy}>
            {t('train.recordButton')}
          </button>
        </form>
        {record.error && <ErrorNote error={record.error} />}
      </Card>
      <Card title={t('train.addCourse')}>
        <form
          className="form-row"
          onSubmit={(e) => {
            e.preventDefault();
            void add.run();
          }}
        >
          <Field label={t('common.id')}>
            <input value={c.id} onChange={(e) => setC({ ...c, id: e.target.value })} />
          </Field>
          <Field label={t('common.name')}>
            <input value={c.title} onChange={(e) => setC({ ...c, title: e.target.value })} />
          </Field>
          <Field label={t('train.validity')}>
            <input
              size={4}
              value={c.validityMonths}
              onChange={(e) => setC({ ...c, validityMonths: e.target.value })}
            />
          </Field>
          <label>
            <input
              type="checkbox"
              checked={c.compliance}
              onChange={(e) => setC({ ...c, compliance: e.target.checked })}
            />{' '}
            {t('train.compliance')}
          </label>
          <button type="submit" disabled={add.busy}>
            {t('common.add')}
          </button>
        </form>
        {add.error && <ErrorNote error={add.error} />}
      </Card>
    </div>
  );
}
