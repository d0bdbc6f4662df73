import EmulatorHTTP

/// Every operation the emulator serves, one line each: Mistral's observability operations, the
/// minimal Files API the dataset imports need, and the control plane under `/__emulator`.
/// The operation ids are the served OpenAPI document's (`docs/openapi.yaml`);
/// `RouteTableTests` fails when the two disagree.
enum RouteTable {
    static let v1 = "/v1/observability"

    static let routes: [Route] = events + fields + judges + campaigns + datasets + records + telemetryIngest + traces + spans + logs
        + pipelines + pipelineConfigs
        + files + controlPlane + console + models + offlineEvaluations

    static let events: [Route] = [
        Route("POST", "\(v1)/chat-completion-events/search", "get_chat_completion_events_v1_observability_chat_completion_events_search_post", .api, .pool, EventRoutes.search),
        Route("POST", "\(v1)/chat-completion-events/search-ids", "get_chat_completion_event_ids_v1_observability_chat_completion_events_search_ids_post", .api, .pool, EventRoutes.searchIDs),
        Route("GET", "\(v1)/chat-completion-events/{event_id}", "get_chat_completion_event_v1_observability_chat_completion_events__event_id__get", .api, .loop, EventRoutes.fetch),
        Route("GET", "\(v1)/chat-completion-events/{event_id}/similar-events", "get_similar_chat_completion_events_v1_observability_chat_completion_events__event_id__similar_events_get", .api, .pool, EventRoutes.similar),
        Route("POST", "\(v1)/chat-completion-events/{event_id}/live-judging", "judge_chat_completion_event_v1_observability_chat_completion_events__event_id__live_judging_post", .api, .pool, JudgeRoutes.judgeEvent),
    ]

    static let fields: [Route] = [
        Route("GET", "\(v1)/chat-completion-fields", "get_chat_completion_fields_v1_observability_chat_completion_fields_get", .api, .loop, FieldRoutes.list),
        Route("GET", "\(v1)/chat-completion-fields/{field_name}/options", "get_chat_completion_field_options_v1_observability_chat_completion_fields__field_name__options_get", .api, .pool, FieldRoutes.options),
        Route("POST", "\(v1)/chat-completion-fields/{field_name}/options-counts", "get_chat_completion_field_options_counts_v1_observability_chat_completion_fields__field_name__options_counts_post", .api, .pool, FieldRoutes.optionCounts),
    ]

    static let judges: [Route] = [
        Route("POST", "\(v1)/judges", "create_judge_v1_observability_judges_post", .api, .pool, JudgeRoutes.create),
        Route("GET", "\(v1)/judges", "get_judges_v1_observability_judges_get", .api, .loop, JudgeRoutes.list),
        Route("GET", "\(v1)/judges/{judge_id}", "get_judge_by_id_v1_observability_judges__judge_id__get", .api, .loop, JudgeRoutes.fetch),
        Route("PUT", "\(v1)/judges/{judge_id}", "update_judge_v1_observability_judges__judge_id__put", .api, .pool, JudgeRoutes.update),
        Route("DELETE", "\(v1)/judges/{judge_id}", "delete_judge_v1_observability_judges__judge_id__delete", .api, .pool, JudgeRoutes.delete),
        Route("POST", "\(v1)/judges/{judge_id}/live-judging", "judge_conversation_v1_observability_judges__judge_id__live_judging_post", .api, .pool, JudgeRoutes.judgeConversation),
    ]

    static let campaigns: [Route] = [
        Route("POST", "\(v1)/campaigns", "create_campaign_v1_observability_campaigns_post", .api, .pool, CampaignRoutes.create),
        Route("GET", "\(v1)/campaigns", "get_campaigns_v1_observability_campaigns_get", .api, .loop, CampaignRoutes.list),
        Route("GET", "\(v1)/campaigns/{campaign_id}", "get_campaign_by_id_v1_observability_campaigns__campaign_id__get", .api, .loop, CampaignRoutes.fetch),
        Route("DELETE", "\(v1)/campaigns/{campaign_id}", "delete_campaign_v1_observability_campaigns__campaign_id__delete", .api, .pool, CampaignRoutes.delete),
        Route("GET", "\(v1)/campaigns/{campaign_id}/status", "get_campaign_status_by_id_v1_observability_campaigns__campaign_id__status_get", .api, .loop, CampaignRoutes.status),
        Route("GET", "\(v1)/campaigns/{campaign_id}/selected-events", "get_campaign_selected_events_v1_observability_campaigns__campaign_id__selected_events_get", .api, .pool, CampaignRoutes.selectedEvents),
    ]

    static let datasets: [Route] = [
        Route("POST", "\(v1)/datasets", "create_dataset_v1_observability_datasets_post", .api, .pool, DatasetRoutes.create),
        Route("GET", "\(v1)/datasets", "get_datasets_v1_observability_datasets_get", .api, .loop, DatasetRoutes.list),
        Route("GET", "\(v1)/datasets/{dataset_id}", "get_dataset_by_id_v1_observability_datasets__dataset_id__get", .api, .loop, DatasetRoutes.fetch),
        Route("PATCH", "\(v1)/datasets/{dataset_id}", "update_dataset_v1_observability_datasets__dataset_id__patch", .api, .pool, DatasetRoutes.patch),
        Route("DELETE", "\(v1)/datasets/{dataset_id}", "delete_dataset_v1_observability_datasets__dataset_id__delete", .api, .pool, DatasetRoutes.delete),
        Route("GET", "\(v1)/datasets/{dataset_id}/records", "get_dataset_records_v1_observability_datasets__dataset_id__records_get", .api, .pool, DatasetRoutes.listRecords),
        Route("POST", "\(v1)/datasets/{dataset_id}/records", "create_dataset_record_v1_observability_datasets__dataset_id__records_post", .api, .pool, DatasetRoutes.createRecord),
        Route("POST", "\(v1)/datasets/{dataset_id}/imports/from-campaign", "post_dataset_records_from_campaign_v1_observability_datasets__dataset_id__imports_from_campaign_post", .api, .pool, DatasetRoutes.importFromCampaign),
        Route("POST", "\(v1)/datasets/{dataset_id}/imports/from-explorer", "post_dataset_records_from_explorer_v1_observability_datasets__dataset_id__imports_from_explorer_post", .api, .pool, DatasetRoutes.importFromExplorer),
        Route("POST", "\(v1)/datasets/{dataset_id}/imports/from-file", "post_dataset_records_from_file_v1_observability_datasets__dataset_id__imports_from_file_post", .api, .pool, DatasetRoutes.importFromFile),
        Route("POST", "\(v1)/datasets/{dataset_id}/imports/from-playground", "post_dataset_records_from_playground_v1_observability_datasets__dataset_id__imports_from_playground_post", .api, .pool, DatasetRoutes.importFromPlayground),
        Route("POST", "\(v1)/datasets/{dataset_id}/imports/from-spans", "post_dataset_records_from_spans_v1_observability_datasets__dataset_id__imports_from_spans_post", .api, .pool, SpanImport.start),
        Route("POST", "\(v1)/datasets/{dataset_id}/imports/from-dataset", "post_dataset_records_from_dataset_v1_observability_datasets__dataset_id__imports_from_dataset_post", .api, .pool, DatasetRoutes.importFromDataset),
        Route("GET", "\(v1)/datasets/{dataset_id}/exports/to-jsonl", "export_dataset_to_jsonl_v1_observability_datasets__dataset_id__exports_to_jsonl_get", .api, .pool, DatasetRoutes.export),
        Route("GET", "\(v1)/datasets/{dataset_id}/tasks/{task_id}", "get_dataset_import_task_v1_observability_datasets__dataset_id__tasks__task_id__get", .api, .loop, DatasetRoutes.fetchTask),
        Route("GET", "\(v1)/datasets/{dataset_id}/tasks", "get_dataset_import_tasks_v1_observability_datasets__dataset_id__tasks_get", .api, .loop, DatasetRoutes.listTasks),
    ]

    static let records: [Route] = [
        Route("GET", "\(v1)/dataset-records/{dataset_record_id}", "get_dataset_record_v1_observability_dataset_records__dataset_record_id__get", .api, .loop, DatasetRoutes.fetchRecord),
        Route("DELETE", "\(v1)/dataset-records/{dataset_record_id}", "delete_dataset_record_v1_observability_dataset_records__dataset_record_id__delete", .api, .pool, DatasetRoutes.deleteRecord),
        Route("POST", "\(v1)/dataset-records/bulk-delete", "delete_dataset_records_v1_observability_dataset_records_bulk_delete_post", .api, .pool, DatasetRoutes.bulkDelete),
        Route("POST", "\(v1)/dataset-records/{dataset_record_id}/live-judging", "judge_dataset_record_v1_observability_dataset_records__dataset_record_id__live_judging_post", .api, .pool, DatasetRoutes.judgeRecord),
        Route("PUT", "\(v1)/dataset-records/{dataset_record_id}/payload", "update_dataset_record_payload_v1_observability_dataset_records__dataset_record_id__payload_put", .api, .pool, DatasetRoutes.putPayload),
        Route("PUT", "\(v1)/dataset-records/{dataset_record_id}/properties", "update_dataset_record_properties_v1_observability_dataset_records__dataset_record_id__properties_put", .api, .pool, DatasetRoutes.putProperties),
    ]

    /// OTLP/HTTP ingestion under the same Bearer auth and workspaces as the API.
    static let telemetryIngest: [Route] = [
        Route("POST", "/telemetry/v1/traces", "emulator_otlp_traces", .api, .pool, TelemetryIngestRoutes.traces).readingRawBody,
        Route("POST", "/telemetry/v1/logs", "emulator_otlp_logs", .api, .pool, TelemetryIngestRoutes.logs).readingRawBody,
        Route("POST", "/telemetry/v1/metrics", "emulator_otlp_metrics", .api, .pool, TelemetryIngestRoutes.metrics).readingRawBody,
    ]

    static let traces: [Route] = [
        Route("POST", "\(v1)/traces/search", "search_traces_v1_observability_traces_search_post", .api, .pool, TelemetryRoutes.searchTraces),
        Route("POST", "\(v1)/traces/aggregate", "aggregate_traces_v1_observability_traces_aggregate_post", .api, .pool, TelemetryAggregateRoutes.traces),
        Route("GET", "\(v1)/traces/fields", "get_trace_fields_v1_observability_traces_fields_get", .api, .loop, TelemetryRoutes.traceFields),
        Route("GET", "\(v1)/traces/fields/{field_name}/options", "get_trace_field_options_v1_observability_traces_fields__field_name__options_get", .api, .pool, TelemetryRoutes.traceOptions),
        Route("GET", "\(v1)/traces/{trace_id}", "get_trace_by_id_v1_observability_traces__trace_id__get", .api, .pool, TelemetryRoutes.trace),
        Route("GET", "\(v1)/traces/{trace_id}/spans", "get_trace_spans_v1_observability_traces__trace_id__spans_get", .api, .pool, TelemetryRoutes.traceSpans),
        Route("GET", "\(v1)/traces/{trace_id}/spans/{span_id}", "get_span_by_id_v1_observability_traces__trace_id__spans__span_id__get", .api, .pool, TelemetryRoutes.span),
    ]

    static let spans: [Route] = [
        Route("POST", "\(v1)/spans/search", "search_spans_v1_observability_spans_search_post", .api, .pool, TelemetryRoutes.searchSpans),
        Route("POST", "\(v1)/spans/aggregate", "aggregate_spans_v1_observability_spans_aggregate_post", .api, .pool, TelemetryAggregateRoutes.spans),
        Route("GET", "\(v1)/spans/fields", "get_span_fields_v1_observability_spans_fields_get", .api, .loop, TelemetryRoutes.spanFields),
        Route("GET", "\(v1)/spans/fields/{field_name}/options", "get_span_field_options_v1_observability_spans_fields__field_name__options_get", .api, .pool, TelemetryRoutes.spanOptions),
        Route("POST", "\(v1)/spans/evaluations/search", "search_span_evaluations_v1_observability_spans_evaluations_search_post", .api, .pool, TelemetryRoutes.searchEvaluations),
        Route("POST", "\(v1)/spans/evaluations/search/latest", "search_latest_span_evaluations_v1_observability_spans_evaluations_search_latest_post", .api, .pool, TelemetryRoutes.searchLatestEvaluations),
        Route("POST", "\(v1)/spans/evaluations/aggregate", "aggregate_span_evaluations_v1_observability_spans_evaluations_aggregate_post", .api, .pool, TelemetryAggregateRoutes.evaluations),
        Route("GET", "\(v1)/spans/evaluations/fields", "get_span_evaluation_fields_v1_observability_spans_evaluations_fields_get", .api, .loop, TelemetryRoutes.evaluationFields),
        Route("GET", "\(v1)/spans/evaluations/fields/{field_name}/options", "get_span_evaluation_field_options_v1_observability_spans_evaluations_fields__field_name__options_get", .api, .pool, TelemetryRoutes.evaluationOptions),
    ]

    /// Online evaluations: pipelines (SDK 3.0+), their results (3.2+), and the
    /// standalone configs of SDK 2.10 – 3.1.
    static let pipelines: [Route] = [
        Route("POST", "\(v1)/pipelines", "create_pipeline_v1_observability_pipelines_post", .api, .pool, PipelineRoutes.create),
        Route("GET", "\(v1)/pipelines", "list_pipelines_v1_observability_pipelines_get", .api, .pool, PipelineRoutes.list),
        Route("GET", "\(v1)/pipelines/{pipeline_id}", "get_pipeline_v1_observability_pipelines__pipeline_id__get", .api, .pool, PipelineRoutes.fetch),
        Route("PUT", "\(v1)/pipelines/{pipeline_id}", "update_pipeline_v1_observability_pipelines__pipeline_id__put", .api, .pool, PipelineRoutes.update),
        Route("DELETE", "\(v1)/pipelines/{pipeline_id}", "delete_pipeline_v1_observability_pipelines__pipeline_id__delete", .api, .pool, PipelineRoutes.delete),
        Route("POST", "\(v1)/pipeline-results/search", "search_pipeline_results_v1_observability_pipeline_results_search_post", .api, .pool, PipelineResults.search),
    ]

    static let pipelineConfigs: [Route] = [
        Route("POST", "\(v1)/pipeline-configs", "create_pipeline_config_v1_observability_pipeline_configs_post", .api, .pool, PipelineRoutes.createConfig),
        Route("GET", "\(v1)/pipeline-configs", "list_pipeline_configs_v1_observability_pipeline_configs_get", .api, .pool, PipelineRoutes.listConfigs),
        Route("GET", "\(v1)/pipeline-configs/{pipeline_config_id}", "get_pipeline_config_v1_observability_pipeline_configs__pipeline_config_id__get", .api, .pool, PipelineRoutes.fetchConfig),
        Route("PUT", "\(v1)/pipeline-configs/{pipeline_config_id}", "update_pipeline_config_v1_observability_pipeline_configs__pipeline_config_id__put", .api, .pool, PipelineRoutes.replaceConfig),
        Route("DELETE", "\(v1)/pipeline-configs/{pipeline_config_id}", "delete_pipeline_config_v1_observability_pipeline_configs__pipeline_config_id__delete", .api, .pool, PipelineRoutes.deleteConfig),
    ]

    static let logs: [Route] = [
        Route("POST", "\(v1)/logs/search", "search_logs_v1_observability_logs_search_post", .api, .pool, TelemetryRoutes.searchLogs),
        Route("GET", "\(v1)/logs/fields", "get_log_fields_v1_observability_logs_fields_get", .api, .loop, TelemetryRoutes.logFields),
        Route("GET", "\(v1)/logs/fields/{field_name}/options", "get_log_field_options_v1_observability_logs_fields__field_name__options_get", .api, .pool, TelemetryRoutes.logOptions),
    ]

    /// The minimal Files API (the SDK's files.upload / retrieve / download) and export downloads,
    /// which need no Bearer, like a presigned URL: the token is the secret.
    static let files: [Route] = [
        Route("POST", "/v1/files", "emulator_files_upload", .api, .pool, FileRoutes.upload).readingRawBody,
        Route("GET", "/v1/files/{file_id}", "emulator_files_retrieve", .api, .loop, FileRoutes.retrieve),
        Route("GET", "/v1/files/{file_id}/content", "emulator_files_download", .api, .pool, FileRoutes.content),
        Route("GET", "/__emulator/exports/{token}", "emulator_export_download", .open, .pool, DatasetRoutes.download),
    ]

    static let controlPlane: [Route] = [
        Route("GET", "/__emulator/health", "emulator_health", .control, .loop, ControlRoutes.health),
        Route("POST", "/__emulator/reset", "emulator_reset", .control, .pool, ControlRoutes.reset),
        Route("POST", "/__emulator/snapshots", "emulator_snapshot_save", .control, .pool, SnapshotRoutes.save),
        Route("GET", "/__emulator/snapshots", "emulator_snapshot_list", .control, .pool, SnapshotRoutes.list),
        Route("POST", "/__emulator/snapshots/{name}/restore", "emulator_snapshot_restore", .control, .pool, SnapshotRoutes.restore),
        Route("DELETE", "/__emulator/snapshots/{name}", "emulator_snapshot_delete", .control, .pool, SnapshotRoutes.delete),
        Route("GET", "/__emulator/export/spans", "emulator_export_spans", .control, .pool, SnapshotRoutes.exportSpans),
        Route("GET", "/__emulator/export/events", "emulator_export_events", .control, .pool, SnapshotRoutes.exportEvents),
        Route("POST", "/__emulator/events", "emulator_ingest_events", .control, .pool, ControlRoutes.ingest),
        Route("GET", "/__emulator/requests", "emulator_requests", .control, .pool, ControlRoutes.requests),
        Route("DELETE", "/__emulator/requests", "emulator_requests_clear", .control, .pool, ControlRoutes.clearRequests),
        Route("POST", "/__emulator/faults", "emulator_fault_add", .control, .pool, ControlRoutes.addFault),
        Route("GET", "/__emulator/faults", "emulator_fault_list", .control, .loop, ControlRoutes.listFaults),
        Route("DELETE", "/__emulator/faults", "emulator_fault_clear", .control, .pool, ControlRoutes.clearFaults),
        Route("DELETE", "/__emulator/faults/{fault_id}", "emulator_fault_delete", .control, .pool, ControlRoutes.deleteFault),
        Route("POST", "/__emulator/task-pace", "emulator_task_pace", .control, .pool, ControlRoutes.taskPace),
        Route("GET", "/__emulator/openapi.yaml", "emulator_openapi", .control, .loop, ControlRoutes.openAPI),
    ]

    /// The web console: static files that call the API above with a typed-in token.
    static let console: [Route] = [
        Route("GET", "/__emulator/ui", "emulator_console", .open, .loop, ConsoleRoutes.index),
        Route("GET", "/__emulator/ui/{asset}", "emulator_console_asset", .open, .loop, ConsoleRoutes.asset),
    ]

    /// The inference endpoints, and their responders and model cards in the control plane.
    static let models: [Route] = [
        Route("POST", "/v1/chat/completions", "chat_completion_v1_chat_completions_post", .api, .pool, ModelRoutes.chat),
        Route("POST", "/v1/fim/completions", "fim_completion_v1_fim_completions_post", .api, .pool, ModelRoutes.fim),
        Route("POST", "/v1/embeddings", "embeddings_v1_embeddings_post", .api, .pool, ModelRoutes.embeddings),
        Route("GET", "/v1/models", "list_models_v1_models_get", .api, .pool, ModelRoutes.listModels),
        Route("GET", "/v1/models/{model_id}", "retrieve_model_v1_models__model_id__get", .api, .pool, ModelRoutes.retrieveModel),
        Route("POST", "/__emulator/responders", "emulator_responder_add", .control, .pool, ResponderRoutes.add),
        Route("GET", "/__emulator/responders", "emulator_responder_list", .control, .pool, ResponderRoutes.list),
        Route("DELETE", "/__emulator/responders", "emulator_responder_clear", .control, .pool, ResponderRoutes.clear),
        Route("DELETE", "/__emulator/responders/{responder_id}", "emulator_responder_delete", .control, .pool, ResponderRoutes.delete),
        Route("POST", "/__emulator/models", "emulator_model_add", .control, .pool, ModelCardRoutes.add),
        Route("GET", "/__emulator/models", "emulator_model_list", .control, .pool, ModelCardRoutes.list),
        Route("DELETE", "/__emulator/models", "emulator_model_clear", .control, .pool, ModelCardRoutes.clear),
        Route("DELETE", "/__emulator/models/{model_id}", "emulator_model_delete", .control, .pool, ModelCardRoutes.delete),
    ]

    /// Offline evaluations (SDK 3.1+), read side, and their two control-plane loaders.
    static let offlineEvaluations: [Route] = [
        Route("GET", "\(v1)/projects", "get_projects_v1_observability_projects_get", .api, .pool, OfflineEvaluationRoutes.listProjects),
        Route("GET", "\(v1)/projects/{project_slug}", "get_project_v1_observability_projects__project_slug__get", .api, .pool, OfflineEvaluationRoutes.getProject),
        Route("GET", "\(v1)/projects/{project_slug}/evaluations_v2", "get_project_evaluations_v2_v1_observability_projects__project_slug__evaluations_v2_get", .api, .pool, OfflineEvaluationRoutes.listEvaluations),
        Route("GET", "\(v1)/evaluations_v2/{evaluation_slug}", "get_evaluation_v2_v1_observability_evaluations_v2__evaluation_slug__get", .api, .pool, OfflineEvaluationRoutes.getEvaluation),
        Route("POST", "\(v1)/evaluations_v2/{evaluation_slug}/runs/search", "search_evaluation_runs_v2_v1_observability_evaluations_v2__evaluation_slug__runs_search_post", .api, .pool, OfflineEvaluationRoutes.searchRuns),
        Route("POST", "\(v1)/evaluation-runs_v2/search", "search_all_evaluation_runs_v2_v1_observability_evaluation_runs_v2_search_post", .api, .pool, OfflineEvaluationRoutes.searchAllRuns),
        Route("GET", "\(v1)/evaluation-runs_v2/{run_id}", "get_evaluation_run_v2_v1_observability_evaluation_runs_v2__run_id__get", .api, .pool, OfflineEvaluationRoutes.getRun),
        Route("GET", "\(v1)/evaluation-runs_v2/{run_id}/statistics", "get_single_evaluation_run_statistics_v2_v1_observability_evaluation_runs_v2__run_id__statistics_get", .api, .pool, OfflineEvaluationRoutes.getStatistics),
        Route("POST", "\(v1)/evaluation-runs_v2/{run_id}/statistics/compute", "compute_filtered_run_statistics_v2_v1_observability_evaluation_runs_v2__run_id__statistics_compute_post", .api, .pool, OfflineEvaluationRoutes.computeStatistics),
        Route("POST", "\(v1)/evaluation-runs_v2/{run_id}/records/search", "search_evaluation_run_records_v2_v1_observability_evaluation_runs_v2__run_id__records_search_post", .api, .pool, OfflineEvaluationRoutes.searchRecords),
        Route("GET", "\(v1)/evaluation-runs_v2/{run_id}/records/{record_id}", "get_evaluation_run_record_v2_v1_observability_evaluation_runs_v2__run_id__records__record_id__get", .api, .pool, OfflineEvaluationRoutes.getRecord),
        Route("GET", "\(v1)/optimizations", "list_optimizations_v1_observability_optimizations_get", .api, .pool, OfflineEvaluationRoutes.listOptimizations),
        Route("GET", "\(v1)/optimizations/{optimization_id}", "get_optimization_v1_observability_optimizations__optimization_id__get", .api, .pool, OfflineEvaluationRoutes.getOptimization),
        Route("GET", "\(v1)/optimizations/{optimization_id}/trials", "list_optimization_trials_v1_observability_optimizations__optimization_id__trials_get", .api, .pool, OfflineEvaluationRoutes.listTrials),
        Route("POST", "/__emulator/evaluation-runs", "emulator_load_evaluation_run", .control, .pool, OfflineEvaluationRoutes.loadRun),
        Route("POST", "/__emulator/optimizations", "emulator_load_optimization", .control, .pool, OfflineEvaluationRoutes.loadOptimization),
    ]

    /// The router over every route.
    static func makeRouter() -> Router<Route> {
        var router = Router<Route>()
        for route in routes { router.add(route.method, route.path, route) }
        return router
    }
}
