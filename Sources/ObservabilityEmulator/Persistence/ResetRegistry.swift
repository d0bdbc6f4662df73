/// What a reset clears, table by table, in the order it runs: the one list both resets use
/// (`POST /__emulator/reset`, for everything or for one workspace). A feature that adds a table
/// adds it here; `ResetRegistryTests` fails for a table of the schema that is not listed.
enum ResetRegistry {
    struct Entry: Sendable {
        let table: String
        /// Back to the seeded state: seeded events stay, everything made through the API goes.
        let all: String
        /// One workspace's rows; `?` is the workspace id.
        let workspace: String

        /// A table whose rows belong to the workspace named in `column`.
        static func owned(_ table: String, column: String = "workspace_id") -> Entry {
            Entry(table: table, all: "DELETE FROM \(table)", workspace: "DELETE FROM \(table) WHERE \(column) = ?")
        }

        /// A table whose seeded rows sit in the workspace `''` that every workspace sees: a
        /// full reset keeps them.
        static func keepingSeeded(_ table: String) -> Entry {
            Entry(table: table, all: "DELETE FROM \(table) WHERE workspace_id <> ''", workspace: "DELETE FROM \(table) WHERE workspace_id = ?")
        }
    }

    static let entries: [Entry] = [
        // Full-text rows first: they are found through the events they index.
        Entry(table: "events_fts",
              all: "DELETE FROM events_fts WHERE rowid IN (SELECT rowid FROM events WHERE seeded = 0)",
              workspace: "DELETE FROM events_fts WHERE rowid IN (SELECT rowid FROM events WHERE workspace_id = ?)"),
        Entry(table: "events", all: "DELETE FROM events WHERE seeded = 0", workspace: "DELETE FROM events WHERE workspace_id = ?"),
        // A campaign's selection, before the campaigns it is found through.
        Entry(table: "campaign_events", all: "DELETE FROM campaign_events",
              workspace: "DELETE FROM campaign_events WHERE campaign_id IN (SELECT id FROM campaigns WHERE workspace_id = ?)"),
        .owned("workspaces", column: "id"),
        .owned("judges"), .owned("annotations"), .owned("campaigns"),
        .owned("datasets"), .owned("records"), .owned("tasks"), .owned("files"), .owned("exports"),
        // A pipeline's configs before the pipelines (standalone configs have no pipeline).
        .owned("pipeline_configs"), .owned("pipelines"),
        .owned("responders"), .owned("models"),
        // Telemetry: the seeded fixtures live in the workspace '' and stay.
        .keepingSeeded("spans"), .keepingSeeded("traces"), .keepingSeeded("logs"), .keepingSeeded("span_evaluations"),
        // Offline evaluations: the seeded fixtures live in the workspace '' and stay.
        .keepingSeeded("eval_observations"), .keepingSeeded("eval_trials"), .keepingSeeded("eval_optimizations"),
        .keepingSeeded("eval_scores"), .keepingSeeded("eval_generations"), .keepingSeeded("eval_records"),
        .keepingSeeded("eval_runs"), .keepingSeeded("eval_evaluations"), .keepingSeeded("eval_projects"),
        // Last: the retention counts, of what the deletes above left.
        Entry(table: "retention",
              all: "UPDATE retention SET spans = 0, events = 0, evicted_spans = 0, evicted_traces = 0, evicted_events = 0",
              workspace: """
                  UPDATE retention SET spans = (SELECT COALESCE(SUM(span_count), 0) FROM traces WHERE workspace_id <> ''),
                      events = (SELECT COUNT(*) FROM events WHERE seeded = 0) WHERE ?1 IS NOT NULL
                  """),
    ]
}
