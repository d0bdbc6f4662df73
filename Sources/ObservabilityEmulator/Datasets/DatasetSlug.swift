/// Dataset slugs: the workspace-scoped, URL-safe name a dataset can also be reached by
/// (`datasets/{dataset_id}` takes the id or the slug).
///
/// Made from the name at creation: lower case, every run of characters other than `a-z0-9`
/// becomes one `-`, no `-` at either end, at most 64 characters; `dataset` when nothing is left.
/// On a clash within the workspace (deleted datasets included) `-2`, `-3`, … is appended. A
/// rename keeps the slug, so links stay valid.
enum DatasetSlug {
    static let maximumLength = 64

    static func base(from name: String, fallback: String = "dataset") -> String {
        var slug = ""
        var pendingDash = false
        for scalar in name.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                let dash = pendingDash && !slug.isEmpty
                // A slug never ends with '-': stop where the dash and the next character no longer fit.
                if slug.utf8.count + (dash ? 2 : 1) > maximumLength { break }
                if dash { slug.append("-") }
                pendingDash = false
                slug.unicodeScalars.append(scalar)
            } else {
                pendingDash = true
            }
        }
        return slug.isEmpty ? fallback : slug
    }

    /// The `n`th candidate for a base (1: the base itself), trimmed to fit the length limit.
    static func candidate(_ base: String, _ n: Int) -> String {
        guard n > 1 else { return base }
        let suffix = "-\(n)"
        var head = String(base.prefix(maximumLength - suffix.count))
        while head.hasSuffix("-") { head.removeLast() }
        return head + suffix
    }
}
