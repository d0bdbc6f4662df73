/// The emulator's one token count: ⌈characters ÷ 4⌉, characters being Unicode
/// extended grapheme clusters (Swift's `String.count`). No tokenizer ships with the emulator,
/// and none is needed for tests to assert on `usage`: the rule is deterministic, monotonic and
/// close to Mistral's tokenizers on English prose (about four characters a token).
///
/// What is counted: for a chat prompt, the text of every request message concatenated (what the
/// events' `input_tokens` always counted); for an answer, its content plus each tool call's name
/// and arguments; for FIM, prompt and suffix; for embeddings, each input.
enum TokenCount {
    static func of(_ text: String) -> Int { (text.count + 3) / 4 }
}
