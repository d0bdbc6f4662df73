/// One page of a page-number list, as the client asked for it.
///
/// `page` has no upper bound in the OpenAPI, so any positive `Int` is a valid request: the
/// offset saturates instead of overflowing (`(page - 1) * size` for page 2^62 and size 55 would
/// trap), and such a page is simply past the end: empty, with a `previous` link.
struct PageRequest: Equatable {
    /// 1-based.
    let page: Int
    /// 0–100.
    let size: Int

    /// Rows to skip; `Int.max` when the product does not fit (SQLite takes a 64-bit OFFSET).
    var offset: Int {
        let (product, overflow) = (page - 1).multipliedReportingOverflow(by: size)
        return overflow ? Int.max : product
    }

    /// Whether rows remain after this page, out of `count`.
    func hasNext(count: Int) -> Bool {
        guard size > 0 else { return false }
        let (end, overflow) = page.multipliedReportingOverflow(by: size)
        return !overflow && end < count
    }

    /// The last page that has rows (1 when there are none).
    func lastPage(count: Int) -> Int {
        size > 0 ? max(1, count / size + (count % size == 0 ? 0 : 1)) : 1
    }
}
