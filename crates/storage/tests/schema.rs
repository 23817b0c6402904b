//! Both migration folders build the same schema: the same tables and views, columns of the same
//! kind and nullability, the same keys, indexes and triggers. What one backend keeps in a type
//! of its own SQLite keeps in INTEGER (booleans) or TEXT (timestamps as RFC 3339, dates, JSON);
//! everything else that differs is listed below, with why.

use std::collections::{BTreeMap, BTreeSet};

use luoshi_testkit::{Backend, Scratch, on_postgres};

/// Facts true of one backend's schema only, each with the reason it may be so.
const ONLY_ON_SQLITE: &[(&str, &str)] = &[
    (
        "view tally_matter_delta",
        "SQLite applies a write's change to the kept counts by inserting into this view",
    ),
    (
        "trigger on tally_matter_delta: instead of insert",
        "what inserting into the view does; PostgreSQL calls a function instead",
    ),
    (
        "view tally_assignment_delta",
        "as tally_matter_delta, for assignments",
    ),
    (
        "trigger on tally_assignment_delta: instead of insert",
        "as tally_matter_delta, for assignments",
    ),
];
const ONLY_ON_POSTGRES: &[(&str, &str)] = &[
    (
        "table schema_migrations",
        "PostgreSQL records the steps applied here; SQLite in PRAGMA user_version",
    ),
    (
        "column schema_migrations.version: integer, not null",
        "see schema_migrations",
    ),
    (
        "column schema_migrations.applied_at: text, not null",
        "see schema_migrations",
    ),
    (
        "primary key schema_migrations (version)",
        "see schema_migrations",
    ),
    (
        "trigger on events: before truncate",
        "SQLite has no TRUNCATE to refuse",
    ),
    (
        "trigger on audit_links: before truncate",
        "SQLite has no TRUNCATE to refuse",
    ),
    (
        "trigger on admin_actions: before truncate",
        "SQLite has no TRUNCATE to refuse",
    ),
    (
        "foreign key inbox_reads (item_id) references inbox (id)",
        "missing on SQLite, whose 0014 rebuilds inbox and made inbox_reads without it",
    ),
];

#[tokio::test]
async fn both_backends_migrate_to_the_same_schema() {
    on_postgres("both_backends_migrate_to_the_same_schema", async {
        let sqlite = Scratch::on(&Backend::Sqlite).await;
        sqlite.store().await.migrate().await.unwrap();
        let postgres = Scratch::new().await;
        postgres.store().await.migrate().await.unwrap();
        let on_sqlite = sqlite_schema(&sqlite).await;
        let on_postgres = postgres_schema(&postgres).await;

        // Read with the conventions: a boolean, a date and a timestamp as SQLite keeps them.
        for schema in [&on_sqlite, &on_postgres] {
            for fact in [
                "column matters.public: integer, not null",
                "column matters.deadline: text, null",
                "column matters.created_at: text, not null",
                "foreign key matters (lead_unit_id) references units (id)",
            ] {
                assert!(schema.facts.contains(fact), "{fact}");
            }
        }

        let mut problems = Vec::new();
        compare(
            "SQLite",
            &on_sqlite,
            &on_postgres,
            ONLY_ON_SQLITE,
            &mut problems,
        );
        compare(
            "PostgreSQL",
            &on_postgres,
            &on_sqlite,
            ONLY_ON_POSTGRES,
            &mut problems,
        );
        assert!(
            problems.is_empty(),
            "the migrations build different schemas:\n  {}",
            problems.join("\n  ")
        );
    })
    .await;
}

/// Lists what `one` holds and `other` lacks, unless allowed, and allowances no longer needed.
fn compare(
    name: &str,
    one: &Schema,
    other: &Schema,
    allowed: &[(&str, &str)],
    problems: &mut Vec<String>,
) {
    let allowed: BTreeSet<&str> = allowed.iter().map(|(fact, _)| *fact).collect();
    for fact in one.facts.difference(&other.facts) {
        if !allowed.contains(fact.as_str()) {
            let detail = one
                .detail
                .get(fact)
                .map_or(String::new(), |d| format!(" ({d})"));
            problems.push(format!("only on {name}: {fact}{detail}"));
        }
    }
    for fact in allowed {
        if !one.facts.contains(fact) || other.facts.contains(fact) {
            problems.push(format!(
                "allowed on {name} only, but not so any more: {fact}"
            ));
        }
    }
}

/// A schema as a set of comparable sentences, e.g. `column matters.deadline: text, null`.
#[derive(Default)]
struct Schema {
    facts: BTreeSet<String>,
    /// What a fact leaves out, shown when it differs: a column's own type.
    detail: BTreeMap<String, String>,
}

impl Schema {
    fn add(&mut self, fact: String) {
        self.facts.insert(fact);
    }

    fn column(&mut self, table: &str, column: &str, family: Family, not_null: bool, own: &str) {
        let null = if not_null { "not null" } else { "null" };
        let fact = format!("column {table}.{column}: {}, {null}", family.stored());
        self.detail
            .insert(fact.clone(), format!("{own}, read as {}", family.name()));
        self.facts.insert(fact);
    }
}

/// What a column holds.
#[derive(Clone, Copy)]
enum Family {
    Integer,
    Real,
    Text,
    Bool,
    Timestamp,
    Date,
    Json,
    Bytes,
}

impl Family {
    fn name(self) -> &'static str {
        match self {
            Family::Integer => "integer",
            Family::Real => "real",
            Family::Text => "text",
            Family::Bool => "bool",
            Family::Timestamp => "timestamp",
            Family::Date => "date",
            Family::Json => "json",
            Family::Bytes => "bytes",
        }
    }

    /// The family as SQLite stores it: booleans as 0 and 1, timestamps as RFC 3339 text, dates
    /// as YYYY-MM-DD, JSON as its text.
    fn stored(self) -> &'static str {
        match self {
            Family::Integer | Family::Bool => "integer",
            Family::Real => "real",
            Family::Text | Family::Timestamp | Family::Date | Family::Json => "text",
            Family::Bytes => "bytes",
        }
    }

    /// A SQLite column's family by its declared type, as SQLite's affinity rules read it.
    fn of_sqlite(declared: &str) -> Family {
        let t = declared.to_ascii_uppercase();
        if t.contains("INT") {
            Family::Integer
        } else if t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") {
            Family::Text
        } else if t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB") {
            Family::Real
        } else if t.contains("BLOB") || t.is_empty() {
            Family::Bytes
        } else {
            panic!("a SQLite column declared {declared:?}, which no family fits")
        }
    }

    fn of_postgres(data_type: &str) -> Family {
        match data_type {
            "smallint" | "integer" | "bigint" => Family::Integer,
            "real" | "double precision" | "numeric" => Family::Real,
            "text" | "character varying" | "character" => Family::Text,
            "boolean" => Family::Bool,
            "timestamp with time zone" | "timestamp without time zone" => Family::Timestamp,
            "date" => Family::Date,
            "json" | "jsonb" => Family::Json,
            "bytea" => Family::Bytes,
            other => panic!("a PostgreSQL column of type {other}, which no family fits"),
        }
    }
}

fn text(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("")
}

async fn sqlite_schema(db: &Scratch) -> Schema {
    let mut schema = Schema::default();
    let objects = db
        .rows(
            "SELECT type, name, tbl_name, sql FROM sqlite_master
             WHERE name NOT LIKE 'sqlite_%' AND type IN ('table', 'view', 'trigger')",
        )
        .await;
    for object in &objects {
        let (kind, name, table) = (text(&object[0]), text(&object[1]), text(&object[2]));
        match kind {
            "view" => schema.add(format!("view {name}")),
            "trigger" => {
                for (timing, event) in sqlite_trigger_events(text(&object[3])) {
                    schema.add(format!("trigger on {table}: {timing} {event}"));
                }
            }
            _ => sqlite_table(db, name, &mut schema).await,
        }
    }
    schema
}

async fn sqlite_table(db: &Scratch, table: &str, schema: &mut Schema) {
    schema.add(format!("table {table}"));
    let columns = db
        .rows(&format!(
            "SELECT name, type, \"notnull\", pk FROM pragma_table_info('{table}')"
        ))
        .await;
    let mut key = Vec::new();
    for c in &columns {
        let pk: usize = text(&c[3]).parse().unwrap();
        // A key column is never NULL, whether or not SQLite was told so.
        let not_null = text(&c[2]) == "1" || pk > 0;
        let declared = text(&c[1]);
        schema.column(
            table,
            text(&c[0]),
            Family::of_sqlite(declared),
            not_null,
            declared,
        );
        if pk > 0 {
            key.push((pk, text(&c[0]).to_string()));
        }
    }
    key.sort();
    let key: Vec<String> = key.into_iter().map(|(_, c)| c).collect();
    if !key.is_empty() {
        schema.add(format!("primary key {table} ({})", key.join(", ")));
    }
    let indexes = db
        .rows(&format!(
            "SELECT name, \"unique\", origin, partial FROM pragma_index_list('{table}')"
        ))
        .await;
    for index in &indexes {
        if text(&index[2]) == "pk" {
            continue;
        }
        let columns: Vec<String> = db
            .rows(&format!(
                "SELECT name FROM pragma_index_info('{}') ORDER BY seqno",
                text(&index[0])
            ))
            .await
            .iter()
            .map(|c| c[0].clone().unwrap_or_else(|| "<expression>".into()))
            .collect();
        schema.add(index_fact(
            table,
            &columns,
            text(&index[1]) == "1",
            text(&index[3]) == "1",
        ));
    }
    let keys = db
        .rows(&format!(
            "SELECT id, seq, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list('{table}')
             ORDER BY id, seq"
        ))
        .await;
    // Rows of one foreign key share its id; a key naming no column is to the target's primary
    // key.
    let mut foreign: BTreeMap<&str, Reference> = BTreeMap::new();
    for k in &keys {
        let reference = foreign.entry(text(&k[0])).or_insert_with(|| Reference {
            target: text(&k[2]).to_string(),
            ..Reference::default()
        });
        reference.from.push(text(&k[3]).to_string());
        reference.to.push(k[4].clone());
    }
    for Reference { target, from, to } in foreign.into_values() {
        let to: Vec<String> = if to.iter().all(Option::is_none) {
            db.rows(&format!(
                "SELECT name FROM pragma_table_info('{target}') WHERE pk > 0 ORDER BY pk"
            ))
            .await
            .into_iter()
            .map(|c| c[0].clone().unwrap())
            .collect()
        } else {
            to.into_iter().map(Option::unwrap).collect()
        };
        schema.add(foreign_fact(table, &from, &target, &to));
    }
}

/// A SQLite foreign key as `pragma_foreign_key_list` gives it, a row per column.
#[derive(Default)]
struct Reference {
    target: String,
    from: Vec<String>,
    to: Vec<Option<String>>,
}

/// The moments and statements a SQLite trigger fires on, read from its `CREATE TRIGGER`.
fn sqlite_trigger_events(sql: &str) -> Vec<(&'static str, &'static str)> {
    let words: Vec<String> = sql
        .split_whitespace()
        .map(str::to_ascii_uppercase)
        .collect();
    let head = words.join(" ");
    let head = head.split(" BEGIN").next().unwrap();
    let mut events = Vec::new();
    for (timing, written) in [
        ("before", " BEFORE "),
        ("after", " AFTER "),
        ("instead of", " INSTEAD OF "),
    ] {
        for (event, word) in [
            ("insert", "INSERT"),
            ("update", "UPDATE"),
            ("delete", "DELETE"),
        ] {
            if head.contains(&format!("{written}{word}")) {
                events.push((timing, event));
            }
        }
    }
    assert!(!events.is_empty(), "a trigger firing on nothing: {sql}");
    events
}

async fn postgres_schema(db: &Scratch) -> Schema {
    let mut schema = Schema::default();
    let objects = db
        .rows(
            "SELECT table_name, table_type FROM information_schema.tables
             WHERE table_schema = 'public'",
        )
        .await;
    for object in &objects {
        let name = text(&object[0]);
        if text(&object[1]) == "VIEW" {
            schema.add(format!("view {name}"));
        } else {
            schema.add(format!("table {name}"));
        }
    }
    let columns = db
        .rows(
            "SELECT c.table_name, c.column_name, c.data_type, c.is_nullable
             FROM information_schema.columns c
             JOIN information_schema.tables t
               ON t.table_schema = c.table_schema AND t.table_name = c.table_name
             WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'",
        )
        .await;
    for c in &columns {
        let data_type = text(&c[2]);
        schema.column(
            text(&c[0]),
            text(&c[1]),
            Family::of_postgres(data_type),
            text(&c[3]) == "NO",
            data_type,
        );
    }
    let indexes = db
        .rows(
            "SELECT t.relname, ix.indisprimary, ix.indisunique, ix.indpred IS NOT NULL,
                    array_to_string(ARRAY(
                        SELECT coalesce(a.attname, '<expression>')
                        FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
                        LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                        ORDER BY k.n), ',')
             FROM pg_index ix
             JOIN pg_class t ON t.oid = ix.indrelid
             JOIN pg_namespace ns ON ns.oid = t.relnamespace
             WHERE ns.nspname = 'public'",
        )
        .await;
    for ix in &indexes {
        let table = text(&ix[0]);
        let columns: Vec<String> = text(&ix[4]).split(',').map(String::from).collect();
        if text(&ix[1]) == "t" {
            schema.add(format!("primary key {table} ({})", columns.join(", ")));
        } else {
            schema.add(index_fact(
                table,
                &columns,
                text(&ix[2]) == "t",
                text(&ix[3]) == "t",
            ));
        }
    }
    let keys = db
        .rows(
            "SELECT t.relname, r.relname,
                    array_to_string(ARRAY(
                        SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, n)
                        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
                        ORDER BY k.n), ','),
                    array_to_string(ARRAY(
                        SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, n)
                        JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum
                        ORDER BY k.n), ',')
             FROM pg_constraint c
             JOIN pg_class t ON t.oid = c.conrelid
             JOIN pg_class r ON r.oid = c.confrelid
             JOIN pg_namespace ns ON ns.oid = t.relnamespace
             WHERE c.contype = 'f' AND ns.nspname = 'public'",
        )
        .await;
    for k in &keys {
        let split =
            |v: &Option<String>| -> Vec<String> { text(v).split(',').map(String::from).collect() };
        schema.add(foreign_fact(
            text(&k[0]),
            &split(&k[2]),
            text(&k[1]),
            &split(&k[3]),
        ));
    }
    let triggers = db
        .rows(
            "SELECT c.relname, t.tgtype FROM pg_trigger t
             JOIN pg_class c ON c.oid = t.tgrelid
             JOIN pg_namespace ns ON ns.oid = c.relnamespace
             WHERE ns.nspname = 'public' AND NOT t.tgisinternal",
        )
        .await;
    for t in &triggers {
        let bits: u16 = text(&t[1]).parse().unwrap();
        // pg_trigger.tgtype: 2 before, 64 instead of, else after; 4 insert, 8 delete,
        // 16 update, 32 truncate.
        let timing = if bits & 2 != 0 {
            "before"
        } else if bits & 64 != 0 {
            "instead of"
        } else {
            "after"
        };
        for (bit, event) in [
            (4, "insert"),
            (8, "delete"),
            (16, "update"),
            (32, "truncate"),
        ] {
            if bits & bit != 0 {
                schema.add(format!("trigger on {}: {timing} {event}", text(&t[0])));
            }
        }
    }
    schema
}

fn index_fact(table: &str, columns: &[String], unique: bool, partial: bool) -> String {
    format!(
        "{}index {table} ({}){}",
        if unique { "unique " } else { "" },
        columns.join(", "),
        if partial { " where …" } else { "" }
    )
}

fn foreign_fact(table: &str, from: &[String], target: &str, to: &[String]) -> String {
    format!(
        "foreign key {table} ({}) references {target} ({})",
        from.join(", "),
        to.join(", ")
    )
}
