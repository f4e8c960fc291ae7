/** Customers: search by name, phone, email or id (masked results, paged), and the file. */
import { useState } from 'react';
import { get, qs } from '../api.ts';
import { CustomerFile } from '../components/customer-file.tsx';
import { Async, Card, Pager, Table, useCursors, useLoad } from '../components/ui.tsx';
import { useI18n } from '../i18n/index.tsx';
import { href, useRoute } from '../router.ts';

interface Hit {
  id: string;
  name: string;
  phone: string | null;
  email: string | null;
  accounts: string[];
}

export default function CustomersView() {
  const route = useRoute();
  const id = route.rest[0];
  const { t } = useI18n();
  return (
    <div data-testid="customers">
      <h1>{t('nav.customers')}</h1>
      {id ? (
        <>
          <p className="no-print">
            <a href={href('customers')}>← {t('customer.back')}</a>
          </p>
          <CustomerFile id={id} />
        </>
      ) : (
        <Search />
      )}
    </div>
  );
}

function Search() {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const pages = useCursors<string>();
  const cursor = pages.cursor;
  const page = useLoad(
    () =>
      get<{ items: Hit[]; next: string | null }>(`/api/customers${qs({ q, cursor, limit: 25 })}`),
    [q, cursor],
  );
  return (
    <Card>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setQ(text.trim());
          pages.reset();
        }}
      >
        <input
          aria-label={t('customer.searchHint')}
          placeholder={t('customer.searchHint')}
          value={text}
          onChange={(e) => setText(e.target.value)}
          style={{ minWidth: 280 }}
        />
        <button type="submit" className="primary">
          {t('common.search')}
        </button>
      </form>
      <Async state={page}>
        {(p) => (
          <>
            <Table
              rows={p.items}
              rowKey={(h) => h.id}
              columns={[
                {
                  key: 'id',
                  label: t('common.id'),
                  render: (h) => <a href={href('customers', h.id)}>{h.id}</a>,
                },
                { key: 'n', label: t('common.name'), render: (h) => h.name },
                { key: 'p', label: t('customer.phone'), render: (h) => h.phone ?? '—' },
                { key: 'e', label: t('customer.email'), render: (h) => h.email ?? '—' },
                { key: 'a', label: t('customer.accounts'), render: (h) => h.accounts.join(', ') },
              ]}
            />
            <Pager
              page={pages.page}
              hasNext={p.next !== null}
              onPage={(n) => (n < pages.page ? pages.back() : pages.forward(p.next!))}
            />
          </>
        )}
      </Async>
    </Card>
  );
}
