import SFNLanguage

/// Paging tokens that name a position, not an offset: the sort key of the last item returned,
/// bound to the listing it came from (operation, resource, filters) and signed with the
/// service's key, so a token cannot be forged, guessed or replayed on another listing, and a
/// page stays right when items before it come or go. (A durable store keeps the key, so tokens
/// outlive a restart.)
struct PageTokens: Sendable {
    let key: [UInt8]

    /// A token signer with a fresh random key.
    init() {
        var generator = SystemRandomNumberGenerator()
        key = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    init(key: [UInt8]) { self.key = key }

    func token(scope: String, after cursor: Int) -> String {
        let payload = "\(cursor)"
        return payload + "." + signature(scope: scope, payload: payload)
    }

    /// The cursor a token carries (nil for the first page); InvalidToken when it is not one
    /// this service issued for `scope`.
    func cursor(_ token: String?, scope: String) throws(ServerError) -> Int? {
        guard let token else { return nil }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let cursor = Int(parts[0]), signature(scope: scope, payload: String(parts[0])) == parts[1] else {
            throw ServerError("InvalidToken", "Invalid Token: '\(token)'")
        }
        return cursor
    }

    private func signature(scope: String, payload: String) -> String {
        let mac = SignatureV4Verifier.hmac(key: key, message: Array("\(scope)\n\(payload)".utf8))
        return String(DigestAlgorithm.hex(mac).prefix(32))
    }

    /// One page of `items` (sorted ascending by `key`), read ascending or descending from the
    /// token's position; only items that pass `include` count. The cost is the page's (plus a
    /// binary search), not the listing's.
    func page<Items: RandomAccessCollection>(
        _ items: Items, key: (Items.Element) -> Int, descending: Bool = false, scope: String, token: String?, maxResults: Int?,
        include: (Items.Element) -> Bool = { _ in true }
    ) throws(ServerError) -> ([Items.Element], String?) {
        let size = (maxResults ?? 0) == 0 ? 100 : (maxResults ?? 100)
        var position: Items.Index
        if let cursor = try cursor(token, scope: scope) {
            // The first item past the cursor in reading order.
            var low = items.startIndex
            var high = items.endIndex
            while low < high {
                let middle = items.index(low, offsetBy: items.distance(from: low, to: high) / 2)
                if descending ? key(items[middle]) < cursor : key(items[middle]) <= cursor {
                    low = items.index(after: middle)
                } else {
                    high = middle
                }
            }
            position = low
        } else {
            position = descending ? items.endIndex : items.startIndex
        }
        var page: [Items.Element] = []
        while true {
            let item: Items.Element
            if descending {
                guard position > items.startIndex else { break }
                position = items.index(before: position)
                item = items[position]
            } else {
                guard position < items.endIndex else { break }
                item = items[position]
                position = items.index(after: position)
            }
            guard include(item) else { continue }
            if page.count == size {
                return (page, self.token(scope: scope, after: key(page[page.count - 1])))
            }
            page.append(item)
        }
        return (page, nil)
    }
}
