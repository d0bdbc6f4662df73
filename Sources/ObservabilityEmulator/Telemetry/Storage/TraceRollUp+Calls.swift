/// The trace's calls: a GenAI span nested in a GenAI span of the same operation (an
/// instrumentation's span around the SDK's own span, or two instrumentations on one call) is
/// the same call, counted once in `llm_call_count`, `tool_call_count`, `retrieval_count` and
/// the token totals, with each token count the largest any of its spans reports (the outer span
/// of a stream often has none). Spans with no operation between the two (an HTTP client's) do
/// not separate them; a GenAI span of another operation (an agent's `invoke_agent`) does.
///
/// A span with no operation that reports tokens (the SDK's own request span, under or beside an
/// instrumentation's `chat` span) belongs to the call it is nested in, or else to a sibling LLM
/// call that reports the same tokens; only a span that belongs to no call adds its own tokens.
extension TraceRollUp {
    /// What the roll-up keeps of a GenAI span until the trace's calls are resolved.
    struct CallFacts {
        var spanID: String, parentSpanID: String, operation: String
        var tokens: [Int64]
    }

    /// A span with no operation and some tokens.
    struct UsageFacts {
        var spanID: String, parentSpanID: String
        var tokens: [Int64]
    }

    /// Adds token counts column by column (input, output, cache read, cache creation).
    static func add(_ tokens: [Int64], to totals: inout [Int64]) {
        for index in totals.indices { totals[index] = totals[index] &+ tokens[index] }
    }

    /// Calls by kind and the trace's token totals.
    func callCounts() -> (llm: Int, tool: Int, retrieval: Int, tokens: [Int64]) {
        var llm = 0, tool = 0, retrieval = 0
        let (resolved, unclaimed) = resolve()
        var totals = unclaimed
        for (operation, callTokens) in resolved {
            if SpanAttributeMapping.llmOperations.contains(operation) { llm += 1 }
            if operation == SpanAttributeMapping.toolOperation { tool += 1 }
            if operation == SpanAttributeMapping.retrievalOperation { retrieval += 1 }
            Self.add(callTokens, to: &totals)
        }
        return (llm, tool, retrieval, totals)
    }

    /// One entry per call: its operation and tokens, in the order of its outermost span.
    /// Linear in the trace's spans: each walk up the parent chain stops at the first span whose
    /// answer is already known and records its answer for every span it passed (a trace of
    /// thousands of nested spans costs no more than a flat one).
    func resolvedCalls() -> [(operation: String, tokens: [Int64])] { resolve().calls }

    /// The calls, and the tokens of the usage spans that belong to none.
    private func resolve() -> (calls: [(operation: String, tokens: [Int64])], unclaimed: [Int64]) {
        guard calls.count > 1 || (!calls.isEmpty && !usages.isEmpty) else {
            var unclaimed: [Int64] = [0, 0, 0, 0]
            for usage in usages { Self.add(usage.tokens, to: &unclaimed) }
            return (calls.map { ($0.operation, $0.tokens) }, unclaimed)
        }
        var parents: [String: String] = [:]
        parents.reserveCapacity(parentLinks.count)
        for link in parentLinks { parents[link.span] = link.parent }
        var callBySpan: [String: Int] = [:]
        for (index, call) in calls.enumerated() { callBySpan[call.spanID] = index }

        // The GenAI span at or above a span id (-1: none), for every id a walk passes.
        var callAtOrAbove: [String: Int] = [:]
        func nearestCall(from start: String) -> Int {
            var path: [String] = []
            var current = start, answer = -1
            while !current.isEmpty, path.count <= parentLinks.count {
                if let known = callAtOrAbove[current] { answer = known; break }
                if let call = callBySpan[current] { answer = call; break }
                path.append(current)
                guard let next = parents[current] else { break }
                current = next
            }
            for id in path { callAtOrAbove[id] = answer }
            return answer
        }
        // The outermost span of each call: up through GenAI parents of the same operation.
        var outermost = [Int](repeating: -1, count: calls.count)
        for index in calls.indices where outermost[index] < 0 {
            var chain: [Int] = []
            var current = index, answer = index
            while chain.count <= calls.count {
                if outermost[current] >= 0 { answer = outermost[current]; break }
                chain.append(current)
                let parent = nearestCall(from: calls[current].parentSpanID)
                guard parent >= 0, parent != current, calls[parent].operation == calls[current].operation else { answer = current; break }
                current = parent
            }
            for call in chain { outermost[call] = answer }
        }
        var order: [Int] = []
        var merged: [Int: [Int64]] = [:]
        for index in calls.indices {
            let root = outermost[index]
            if let tokens = merged[root] {
                merged[root] = zip(tokens, calls[index].tokens).map { max($0, $1) }
            } else {
                merged[root] = calls[index].tokens
                order.append(root)
            }
        }
        // Usage spans: into the call above them, else a sibling LLM call with the same tokens.
        var llmCallsByParent: [String: [Int]] = [:]
        for (index, call) in calls.enumerated() where SpanAttributeMapping.llmOperations.contains(call.operation) {
            llmCallsByParent[call.parentSpanID, default: []].append(index)
        }
        var unclaimed: [Int64] = [0, 0, 0, 0]
        for usage in usages {
            var owner = nearestCall(from: usage.parentSpanID)
            if owner < 0 {
                owner = llmCallsByParent[usage.parentSpanID]?.first { calls[$0].tokens == usage.tokens } ?? -1
            }
            if owner >= 0, let tokens = merged[outermost[owner]] {
                merged[outermost[owner]] = zip(tokens, usage.tokens).map { max($0, $1) }
            } else {
                Self.add(usage.tokens, to: &unclaimed)
            }
        }
        return (order.map { (calls[$0].operation, merged[$0]!) }, unclaimed)
    }
}
