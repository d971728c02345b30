import { sql, type Placeholder, type SQL, type SQLWrapper } from 'drizzle-orm';

/**
 * `column IN (values)` with the values passed as one JSON parameter: the SQL text is the same however many there
 * are, so SQLite prepares it once (inArray writes one placeholder per value: a new statement for every count).
 * A prepared query passes the JSON array (JSON.stringify) as the placeholder's value.
 */
export function inList(column: SQLWrapper, values: readonly (number | string)[] | Placeholder): SQL {
  return sql`${column} IN (SELECT value FROM json_each(${Array.isArray(values) ? JSON.stringify(values) : values}))`;
}
