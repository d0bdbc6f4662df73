import EmulatorStore

/// The numbered schema migrations. Times are integer milliseconds since the epoch (UTC);
/// `deleted_ms` marks soft deletes. `workspace_id` NULL on an event means a seeded fixture
/// shared read-only by every workspace.
enum Schema {
    /// The secondary indexes of `events`, dropped during a bulk seed of an empty database and
    /// built once afterwards: one sort each instead of 100 000 random B-tree insertions.
    static let eventIndexes: [(name: String, sql: String)] = [
        ("events_event_id", "CREATE UNIQUE INDEX events_event_id ON events(event_id)"),
        ("events_order", "CREATE INDEX events_order ON events(created_ms DESC, event_id DESC)"),
        ("events_model", "CREATE INDEX events_model ON events(model_name)"),
        ("events_correlation", "CREATE INDEX events_correlation ON events(correlation_id)"),
    ]

    static let migrations: [Migration] = [
        Migration(version: 1, sql: """
        CREATE TABLE events (
            rowid INTEGER PRIMARY KEY,
            event_id TEXT NOT NULL,
            workspace_id TEXT,
            correlation_id TEXT NOT NULL,
            created_ms INTEGER NOT NULL,
            model_name TEXT,
            first_system_message TEXT,
            last_user_message_preview TEXT,
            response_messages_preview TEXT,
            invoked_tools TEXT NOT NULL DEFAULT '[]',
            enabled_tools TEXT NOT NULL DEFAULT '[]',
            input_tokens INTEGER NOT NULL,
            output_tokens INTEGER NOT NULL,
            nb_messages INTEGER NOT NULL,
            total_time_elapsed REAL,
            api_agent_id TEXT,
            metadata TEXT NOT NULL DEFAULT '{}',
            extra TEXT NOT NULL DEFAULT '{}',
            body BLOB NOT NULL,
            seeded INTEGER NOT NULL DEFAULT 0
        );
        CREATE UNIQUE INDEX events_event_id ON events(event_id);
        CREATE INDEX events_order ON events(created_ms DESC, event_id DESC);
        CREATE INDEX events_model ON events(model_name);
        CREATE INDEX events_correlation ON events(correlation_id);
        CREATE VIRTUAL TABLE events_fts USING fts5(user_text, assistant_text, tokenize = 'unicode61 remove_diacritics 2');

        CREATE TABLE workspaces (id TEXT PRIMARY KEY, created_ms INTEGER NOT NULL);

        CREATE TABLE judges (
            id TEXT PRIMARY KEY,
            workspace_id TEXT NOT NULL,
            owner_id TEXT NOT NULL,
            base_revision TEXT NOT NULL,
            down_revision TEXT,
            up_revision TEXT,
            name TEXT NOT NULL,
            description TEXT NOT NULL,
            model_name TEXT NOT NULL,
            output_type TEXT NOT NULL,
            output TEXT NOT NULL,
            instructions TEXT NOT NULL,
            tools TEXT NOT NULL,
            created_ms INTEGER NOT NULL,
            updated_ms INTEGER NOT NULL,
            deleted_ms INTEGER
        );
        CREATE INDEX judges_workspace ON judges(workspace_id, created_ms DESC, id DESC);

        CREATE TABLE annotations (
            workspace_id TEXT NOT NULL,
            judge_id TEXT NOT NULL,
            event_rowid INTEGER NOT NULL,
            campaign_id TEXT NOT NULL,
            value_text TEXT,
            value_num REAL,
            analysis TEXT NOT NULL,
            PRIMARY KEY (workspace_id, judge_id, event_rowid)
        );
        CREATE INDEX annotations_event ON annotations(event_rowid, workspace_id);

        CREATE TABLE campaigns (
            id TEXT PRIMARY KEY,
            workspace_id TEXT NOT NULL,
            owner_id TEXT NOT NULL,
            name TEXT NOT NULL,
            description TEXT NOT NULL,
            max_nb_events INTEGER NOT NULL,
            search_params TEXT NOT NULL,
            judge_id TEXT NOT NULL,
            status TEXT NOT NULL,
            message TEXT,
            status_reads INTEGER NOT NULL DEFAULT 0,
            pace TEXT NOT NULL,
            wall_ms INTEGER NOT NULL,
            created_ms INTEGER NOT NULL,
            updated_ms INTEGER NOT NULL,
            deleted_ms INTEGER
        );
        CREATE TABLE campaign_events (
            campaign_id TEXT NOT NULL,
            event_rowid INTEGER NOT NULL,
            position INTEGER NOT NULL,
            PRIMARY KEY (campaign_id, event_rowid)
        );

        CREATE TABLE datasets (
            id TEXT PRIMARY KEY,
            workspace_id TEXT NOT NULL,
            owner_id TEXT NOT NULL,
            name TEXT NOT NULL,
            description TEXT NOT NULL,
            created_ms INTEGER NOT NULL,
            updated_ms INTEGER NOT NULL,
            deleted_ms INTEGER
        );
        CREATE TABLE records (
            id TEXT PRIMARY KEY,
            dataset_id TEXT NOT NULL,
            workspace_id TEXT NOT NULL,
            payload TEXT NOT NULL,
            properties TEXT NOT NULL,
            source TEXT NOT NULL,
            created_ms INTEGER NOT NULL,
            updated_ms INTEGER NOT NULL,
            deleted_ms INTEGER,
            seq INTEGER NOT NULL
        );
        CREATE INDEX records_dataset ON records(dataset_id, created_ms DESC, id DESC);
        CREATE TABLE tasks (
            id TEXT PRIMARY KEY,
            dataset_id TEXT NOT NULL,
            workspace_id TEXT NOT NULL,
            creator_id TEXT NOT NULL,
            status TEXT NOT NULL,
            progress INTEGER,
            message TEXT,
            status_reads INTEGER NOT NULL DEFAULT 0,
            pace TEXT NOT NULL,
            wall_ms INTEGER NOT NULL,
            created_ms INTEGER NOT NULL,
            updated_ms INTEGER NOT NULL,
            deleted_ms INTEGER
        );
        CREATE TABLE files (
            id TEXT PRIMARY KEY,
            workspace_id TEXT NOT NULL,
            filename TEXT NOT NULL,
            purpose TEXT NOT NULL,
            bytes INTEGER NOT NULL,
            content BLOB NOT NULL,
            created_ms INTEGER NOT NULL,
            deleted_ms INTEGER
        );
        CREATE TABLE exports (
            token TEXT PRIMARY KEY,
            dataset_id TEXT NOT NULL,
            workspace_id TEXT NOT NULL,
            content BLOB NOT NULL,
            expires_ms INTEGER NOT NULL
        );
        """),
        // Dataset slugs (made from the name, unique per workspace, kept across renames; rows of
        // an older database get theirs at the next start) and import-task result counts.
        Migration(version: 2, sql: """
        ALTER TABLE datasets ADD COLUMN slug TEXT;
        CREATE UNIQUE INDEX datasets_slug ON datasets(workspace_id, slug);
        ALTER TABLE tasks ADD COLUMN requested_count INTEGER;
        ALTER TABLE tasks ADD COLUMN imported_count INTEGER;
        ALTER TABLE tasks ADD COLUMN skipped_count INTEGER;
        """),
    ]
}
