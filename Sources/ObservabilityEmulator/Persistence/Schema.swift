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

    /// The indexes of the telemetry tables, dropped while `--synthetic-traces` fills an empty
    /// database and built once afterwards (as for events). `spans_metrics` covers the common
    /// aggregates (durations by model, operation, service or status over time).
    static let telemetryIndexes: [(name: String, sql: String)] = [
        ("spans_key", "CREATE UNIQUE INDEX spans_key ON spans(workspace_id, trace_id, span_id)"),
        ("spans_order", "CREATE INDEX spans_order ON spans(start_ns DESC, span_id DESC, trace_id DESC)"),
        ("spans_metrics", "CREATE INDEX spans_metrics ON spans(workspace_id, start_ns, request_model, operation_name, service_name, status_code, duration_ns)"),
        ("traces_key", "CREATE UNIQUE INDEX traces_key ON traces(workspace_id, trace_id)"),
        ("traces_order", "CREATE INDEX traces_order ON traces(start_ns DESC, trace_id DESC)"),
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
        // Telemetry: spans, their traces' roll-up, logs and span evaluations. The
        // workspace '' holds the seeded fixtures every workspace sees. Times are nanoseconds.
        Migration(version: 3, sql: """
        CREATE TABLE spans (
            rowid INTEGER PRIMARY KEY,
            workspace_id TEXT NOT NULL,
            trace_id TEXT NOT NULL, span_id TEXT NOT NULL, parent_span_id TEXT NOT NULL, trace_state TEXT NOT NULL,
            start_ns INTEGER NOT NULL, end_ns INTEGER NOT NULL, duration_ns INTEGER NOT NULL,
            span_name TEXT NOT NULL, span_kind TEXT NOT NULL, service_name TEXT NOT NULL,
            status_code TEXT NOT NULL, status_message TEXT NOT NULL,
            error_type TEXT NOT NULL, operation_name TEXT NOT NULL, provider_name TEXT NOT NULL,
            request_model TEXT NOT NULL, response_model TEXT NOT NULL, response_id TEXT NOT NULL, output_type TEXT NOT NULL,
            conversation_id TEXT NOT NULL, data_source_id TEXT NOT NULL, agent_id TEXT NOT NULL, agent_name TEXT NOT NULL,
            agent_version TEXT NOT NULL, agent_description TEXT NOT NULL, workflow_name TEXT NOT NULL, prompt_name TEXT NOT NULL,
            tool_name TEXT NOT NULL, tool_type TEXT NOT NULL, tool_call_id TEXT NOT NULL, input_messages TEXT NOT NULL,
            output_messages TEXT NOT NULL, system_instructions TEXT NOT NULL, tool_definitions TEXT NOT NULL,
            tool_call_arguments TEXT NOT NULL, tool_call_result TEXT NOT NULL,
            request_choice_count INTEGER NOT NULL, request_max_tokens INTEGER NOT NULL, request_temperature REAL,
            request_top_p REAL, request_top_k REAL, request_presence_penalty REAL, request_frequency_penalty REAL,
            request_seed INTEGER NOT NULL, request_stop_sequences TEXT NOT NULL, request_encoding_formats TEXT NOT NULL,
            response_finish_reasons TEXT NOT NULL, usage_input_tokens INTEGER NOT NULL, usage_output_tokens INTEGER NOT NULL,
            usage_cache_read_input_tokens INTEGER NOT NULL, usage_cache_creation_input_tokens INTEGER NOT NULL,
            resource_attributes TEXT NOT NULL, span_attributes TEXT NOT NULL,
            scope_name TEXT NOT NULL, scope_version TEXT NOT NULL, environment TEXT NOT NULL
        );
        CREATE UNIQUE INDEX spans_key ON spans(workspace_id, trace_id, span_id);
        CREATE INDEX spans_order ON spans(start_ns DESC, span_id DESC, trace_id DESC);
        CREATE INDEX spans_metrics ON spans(workspace_id, start_ns, request_model, operation_name, service_name, status_code, duration_ns);
        CREATE TABLE traces (
            rowid INTEGER PRIMARY KEY,
            workspace_id TEXT NOT NULL, trace_id TEXT NOT NULL,
            root_span_id TEXT NOT NULL, root_span_name TEXT NOT NULL,
            start_ns INTEGER NOT NULL, end_ns INTEGER NOT NULL, duration_ns INTEGER NOT NULL,
            service_name TEXT NOT NULL, environment TEXT NOT NULL, conversation_id TEXT NOT NULL,
            workflow_name TEXT NOT NULL, agent_id TEXT NOT NULL, agent_name TEXT NOT NULL, status_code TEXT NOT NULL,
            error_count INTEGER NOT NULL, span_count INTEGER NOT NULL, gen_ai_span_count INTEGER NOT NULL,
            llm_call_count INTEGER NOT NULL, tool_call_count INTEGER NOT NULL, retrieval_count INTEGER NOT NULL,
            evaluation_count INTEGER NOT NULL, input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,
            cache_read_input_tokens INTEGER NOT NULL, cache_creation_input_tokens INTEGER NOT NULL,
            models_used TEXT NOT NULL, tools_used TEXT NOT NULL,
            first_turn_last_input_message TEXT NOT NULL, first_turn_last_output_message TEXT NOT NULL,
            last_turn_last_input_message TEXT NOT NULL, last_turn_last_output_message TEXT NOT NULL
        );
        CREATE UNIQUE INDEX traces_key ON traces(workspace_id, trace_id);
        CREATE INDEX traces_order ON traces(start_ns DESC, trace_id DESC);
        CREATE TABLE logs (
            rowid INTEGER PRIMARY KEY,
            workspace_id TEXT NOT NULL, fingerprint TEXT NOT NULL,
            time_ns INTEGER NOT NULL, trace_id TEXT NOT NULL, span_id TEXT NOT NULL, trace_flags INTEGER NOT NULL,
            severity_text TEXT NOT NULL, severity_number INTEGER NOT NULL, service_name TEXT NOT NULL,
            body TEXT NOT NULL, event_name TEXT NOT NULL, resource_schema_url TEXT NOT NULL,
            resource_attributes TEXT NOT NULL, scope_schema_url TEXT NOT NULL, scope_name TEXT NOT NULL,
            scope_version TEXT NOT NULL, scope_attributes TEXT NOT NULL, log_attributes TEXT NOT NULL
        );
        CREATE UNIQUE INDEX logs_key ON logs(workspace_id, fingerprint);
        CREATE INDEX logs_order ON logs(time_ns DESC, fingerprint DESC);
        CREATE TABLE span_evaluations (
            rowid INTEGER PRIMARY KEY,
            workspace_id TEXT NOT NULL, eval_key TEXT NOT NULL,
            trace_id TEXT NOT NULL, span_id TEXT NOT NULL, time_ns INTEGER NOT NULL,
            evaluation_name TEXT NOT NULL, score_value REAL NOT NULL, score_label TEXT NOT NULL,
            explanation TEXT NOT NULL, response_id TEXT NOT NULL, conversation_id TEXT NOT NULL, metadata TEXT NOT NULL
        );
        CREATE UNIQUE INDEX span_evaluations_key ON span_evaluations(workspace_id, eval_key);
        CREATE INDEX span_evaluations_order ON span_evaluations(time_ns DESC, eval_key DESC);
        CREATE INDEX span_evaluations_span ON span_evaluations(trace_id, span_id);
        """),
        // Online evaluations: pipelines, and the configs that judge incoming spans
        // (a pipeline's, one per judge, or standalone `pipeline-configs`). `judges` holds the
        // judges frozen at the revision they had when the config was made, as JSON.
        Migration(version: 4, sql: """
        CREATE TABLE pipelines (
            id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, owner_id TEXT NOT NULL,
            name TEXT NOT NULL, slug TEXT NOT NULL, description TEXT, selectors TEXT NOT NULL,
            enabled INTEGER NOT NULL, created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX pipelines_name ON pipelines(workspace_id, name);
        CREATE UNIQUE INDEX pipelines_slug ON pipelines(workspace_id, slug);
        CREATE TABLE pipeline_configs (
            id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL,
            pipeline_id TEXT REFERENCES pipelines(id) ON DELETE CASCADE, position INTEGER NOT NULL,
            name TEXT NOT NULL, slug TEXT NOT NULL, pipeline_kind TEXT NOT NULL, description TEXT,
            selectors TEXT NOT NULL, enabled INTEGER NOT NULL, definitions TEXT NOT NULL, judges TEXT NOT NULL,
            created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL
        );
        CREATE INDEX pipeline_configs_workspace ON pipeline_configs(workspace_id, enabled);
        CREATE INDEX pipeline_configs_pipeline ON pipeline_configs(pipeline_id, position);
        """),
        // Offline evaluations. JSON columns hold JSON text; `workspace_id` '' is the
        // seeded fixtures every workspace sees.
        Migration(version: 5, sql: """
        CREATE TABLE eval_projects (
            id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, creator_id TEXT NOT NULL, name TEXT NOT NULL, slug TEXT NOT NULL,
            description TEXT, created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL
        );
        CREATE INDEX eval_projects_slug ON eval_projects(workspace_id, slug);
        CREATE TABLE eval_evaluations (
            id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, project_id TEXT NOT NULL, creator_id TEXT NOT NULL,
            name TEXT NOT NULL, slug TEXT NOT NULL, description TEXT, tags TEXT NOT NULL, metadata TEXT NOT NULL,
            created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL
        );
        CREATE INDEX eval_evaluations_project ON eval_evaluations(project_id);
        CREATE TABLE eval_runs (
            id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, evaluation_id TEXT NOT NULL, creator_id TEXT NOT NULL,
            name TEXT NOT NULL, description TEXT, tags TEXT NOT NULL, metadata TEXT NOT NULL, num_generations INTEGER NOT NULL,
            evaluators TEXT NOT NULL, run_evaluators TEXT NOT NULL, run_info TEXT NOT NULL, status TEXT NOT NULL,
            dataset_id TEXT, system TEXT NOT NULL, created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL
        );
        CREATE INDEX eval_runs_evaluation ON eval_runs(evaluation_id);
        CREATE TABLE eval_records (
            id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, run_id TEXT NOT NULL, position INTEGER NOT NULL,
            input TEXT NOT NULL, dataset_record_id TEXT, record_info TEXT NOT NULL, metadata TEXT NOT NULL, created_ms INTEGER NOT NULL
        );
        CREATE INDEX eval_records_run ON eval_records(run_id, position);
        CREATE TABLE eval_generations (
            id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, run_id TEXT NOT NULL, record_id TEXT NOT NULL, position INTEGER NOT NULL,
            output TEXT NOT NULL, metadata TEXT NOT NULL, status TEXT NOT NULL, error TEXT, created_ms INTEGER NOT NULL
        );
        CREATE INDEX eval_generations_run ON eval_generations(run_id, record_id, position);
        CREATE TABLE eval_scores (
            id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, run_id TEXT NOT NULL, generation_id TEXT, position INTEGER NOT NULL,
            evaluator TEXT NOT NULL, value TEXT NOT NULL, metadata TEXT NOT NULL, status TEXT NOT NULL, rationale TEXT, error TEXT,
            created_ms INTEGER NOT NULL
        );
        CREATE INDEX eval_scores_run ON eval_scores(run_id, generation_id, position);
        CREATE TABLE eval_optimizations (
            id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, project_id TEXT NOT NULL, evaluation_id TEXT, creator_id TEXT NOT NULL,
            name TEXT NOT NULL, algorithm TEXT NOT NULL, status TEXT NOT NULL, source TEXT NOT NULL, description TEXT, steer TEXT,
            tags TEXT NOT NULL, workflow_execution_id TEXT, workflow_run_id TEXT, objective_spec TEXT NOT NULL, outcome TEXT NOT NULL,
            created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL
        );
        CREATE TABLE eval_trials (
            id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, optimization_id TEXT NOT NULL, position INTEGER NOT NULL,
            algorithm_trial_key TEXT NOT NULL, status TEXT NOT NULL, metadata TEXT NOT NULL, parent_trial_id TEXT,
            hypothesis TEXT, resolution TEXT, created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL
        );
        CREATE INDEX eval_trials_optimization ON eval_trials(optimization_id, position);
        CREATE TABLE eval_observations (
            trial_id TEXT NOT NULL, position INTEGER NOT NULL, workspace_id TEXT NOT NULL, optimization_id TEXT NOT NULL,
            run_id TEXT NOT NULL, observation_type TEXT, score REAL, metadata TEXT NOT NULL, PRIMARY KEY (trial_id, position)
        );
        CREATE INDEX eval_observations_run ON eval_observations(run_id);
        """),
        // Model endpoints: the responders a workspace added through the control plane,
        // tried in insertion order (`position`) before the fixture responders. `body` is the rule
        // as sent.
        Migration(version: 6, sql: """
        CREATE TABLE responders (
            position INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            workspace_id TEXT NOT NULL,
            created_ms INTEGER NOT NULL,
            body TEXT NOT NULL
        );
        CREATE INDEX responders_workspace ON responders(workspace_id, position);
        """),
        // Retention: what ingested data is held and what was evicted (one row), and the oldest
        // ingested traces and events found without walking the seeded ones.
        Migration(version: 7, sql: """
        CREATE TABLE retention (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            spans INTEGER NOT NULL, events INTEGER NOT NULL,
            evicted_spans INTEGER NOT NULL DEFAULT 0, evicted_traces INTEGER NOT NULL DEFAULT 0,
            evicted_events INTEGER NOT NULL DEFAULT 0
        );
        INSERT INTO retention (id, spans, events) VALUES (1,
            (SELECT COALESCE(SUM(span_count), 0) FROM traces WHERE workspace_id <> ''),
            (SELECT COUNT(*) FROM events WHERE seeded = 0));
        CREATE INDEX traces_ingested ON traces(rowid) WHERE workspace_id <> '';
        CREATE INDEX events_ingested ON events(rowid) WHERE seeded = 0;
        """),
        // The model cards a workspace added through the control plane (`POST /__emulator/models`),
        // looked up before the fixture catalogue; `body` is the card's data form, `id` its model
        // id (unique within the workspace, as are its aliases: the route checks them).
        Migration(version: 8, sql: """
        CREATE TABLE models (
            position INTEGER PRIMARY KEY,
            workspace_id TEXT NOT NULL,
            id TEXT NOT NULL,
            created_ms INTEGER NOT NULL,
            body TEXT NOT NULL,
            UNIQUE (workspace_id, id)
        );
        """),
    ]
}
