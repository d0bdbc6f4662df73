import XCTest
@testable import ObservabilityEmulator

/// The page arithmetic on its own: offsets saturate, `next` never overflows.
final class PageRequestTests: XCTestCase {
    func testOffsetSaturates() {
        XCTAssertEqual(PageRequest(page: 1, size: 50).offset, 0)
        XCTAssertEqual(PageRequest(page: 3, size: 10).offset, 20)
        XCTAssertEqual(PageRequest(page: 272_542_825_192_920_992, size: 55).offset, Int.max)
        XCTAssertEqual(PageRequest(page: Int.max, size: 100).offset, Int.max)
        XCTAssertEqual(PageRequest(page: Int.max, size: 0).offset, 0)
    }

    func testHasNextAndLastPage() {
        XCTAssertTrue(PageRequest(page: 1, size: 2).hasNext(count: 3))
        XCTAssertFalse(PageRequest(page: 2, size: 2).hasNext(count: 3))
        XCTAssertFalse(PageRequest(page: Int.max, size: 100).hasNext(count: Int.max))
        XCTAssertFalse(PageRequest(page: 1, size: 0).hasNext(count: 10))
        XCTAssertEqual(PageRequest(page: 9, size: 2).lastPage(count: 3), 2)
        XCTAssertEqual(PageRequest(page: 9, size: 2).lastPage(count: 0), 1)
        XCTAssertEqual(PageRequest(page: 9, size: 0).lastPage(count: 5), 1)
    }
}
