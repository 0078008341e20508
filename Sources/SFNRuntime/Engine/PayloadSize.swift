import SFNJSON

/// Payload size checks that stop counting as soon as the limit is passed.
enum PayloadSize {
    /// Whether `value`'s compact text is longer than `limit` bytes. The quick pass counts some reals
    /// longer than they are written (never shorter); only a value that seems too big is measured
    /// exactly.
    static func exceeds(_ value: JSON, limit: Int) -> Bool {
        var memo = SizeMemo()
        return exceeds(value, limit: limit, memo: &memo)
    }

    /// The same, skipping the large arrays, objects and strings `memo` has measured before (and
    /// remembering the ones measured now).
    static func exceeds(_ value: JSON, limit: Int, memo: inout SizeMemo) -> Bool {
        var remaining = limit
        if fits(value, &remaining, &memo) { return false }
        return exactSize(value, &memo) > limit
    }

    /// The compact text's exact size, taking the large parts' sizes from `memo` where it has
    /// them.
    private static func exactSize(_ value: JSON, _ memo: inout SizeMemo) -> Int {
        let identity = SizeMemo.Identity(of: value)
        if let identity, let size = memo.exactSize(of: identity) { return size }
        let size: Int
        switch value {
        case .array(let elements):
            var total = 2 + max(0, elements.count - 1)
            for element in elements { total += exactSize(element, &memo) }
            size = total
        case .object(let members):
            var total = 2 + max(0, members.count - 1)
            for (key, member) in members { total += stringSize(key) + 1 + exactSize(member, &memo) }
            size = total
        case .string(let text): size = stringSize(text)
        case .int(let number): size = String(number).utf8.count
        case .double(let number): size = JSONNumberFormat.text(for: number).utf8.count
        case .bool(let flag): size = flag ? 4 : 5
        case .null: size = 4
        }
        if let identity { memo.remember(value, identity, exact: size) }
        return size
    }

    /// The digits of a non-negative integer.
    private static func decimalDigits(_ number: Int) -> Int {
        var digits = 1
        var rest = number
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        return digits
    }

    /// At least the length of a real's text (``JSONNumberFormat``): Java spells reals from
    /// 10^-3 to 10^7 as plain decimals, and a decimal with k fraction digits that reads back as
    /// the value has at least as many characters as the shortest one. Others: at most 24.
    private static func doubleBound(_ number: Double) -> Int {
        let magnitude = number.magnitude
        guard magnitude >= 1e-3, magnitude < 1e7 else { return 25 }
        let whole = magnitude < 1 ? 1 : decimalDigits(Int(magnitude))
        let sign = number.sign == .minus ? 1 : 0
        var scale = 1.0
        for fraction in 0...6 {
            let scaled = (magnitude * scale).rounded()
            if scaled / scale == magnitude { return sign + whole + 1 + max(fraction, 1) }
            scale *= 10
        }
        return 25
    }

    /// The length of a string's JSON text, quotes and escapes included (as the writer escapes).
    static func stringSize(_ text: String) -> Int {
        if let size = text.utf8.withContiguousStorageIfAvailable({ escapedSize($0) }) { return size }
        var copy = text
        copy.makeContiguousUTF8()
        return copy.utf8.withContiguousStorageIfAvailable { escapedSize($0) } ?? text.utf8.count * 6 + 2
    }

    @inline(__always)
    private static func escapedSize(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard needsEscapes(bytes) else { return bytes.count + 2 }
        var size = 2
        for byte in bytes {
            switch byte {
            case 0x22, 0x5C, 0x08, 0x09, 0x0A, 0x0C, 0x0D: size += 2
            case 0..<0x20: size += 6
            default: size += 1
            }
        }
        return size
    }

    /// Whether any byte is a control character, `"` or `\`: eight bytes at a time (a byte of
    /// `word - 0x01…01 * n` has its high bit set, where the byte of `word` does not, exactly when
    /// some byte below it is less than n; the lowest flagged byte is always a true one).
    @inline(__always)
    private static func needsEscapes(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let raw = UnsafeRawPointer(base)
        var offset = 0
        while offset + 8 <= bytes.count {
            let word = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            let quotes = word ^ (ones &* 0x22)
            let slashes = word ^ (ones &* 0x5C)
            let flagged = ((word &- ones &* 0x20) & ~word) | ((quotes &- ones) & ~quotes) | ((slashes &- ones) & ~slashes)
            if flagged & highs != 0 { return true }
            offset += 8
        }
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte < 0x20 || byte == 0x22 || byte == 0x5C { return true }
            offset += 1
        }
        return false
    }

    /// At least the length of a number's, a literal's or a short string's text (exact for the
    /// string); nil for arrays, objects and long strings, which the memo may know.
    @inline(__always)
    private static func leafBound(_ value: JSON) -> Int? {
        switch value {
        case .null, .bool: return 5
        case .int(let number): return number < 0 ? 20 : decimalDigits(number)
        case .double(let number): return doubleBound(number)
        case .string(let text):
            // Counted as written, escapes included, so that the quick pass never counts less
            // than the text.
            return text.utf8.count < SizeMemo.longString ? stringSize(text) : nil
        case .array, .object: return nil
        }
    }

    private static func fits(_ value: JSON, _ remaining: inout Int, _ memo: inout SizeMemo) -> Bool {
        if let bound = leafBound(value) {
            remaining -= bound
            return remaining >= 0
        }
        let identity = SizeMemo.Identity(of: value)
        if let identity, let size = memo.knownSize(of: identity) {
            remaining -= size
            return remaining >= 0
        }
        let before = remaining
        switch value {
        case .array(let elements):
            remaining -= 2 + elements.count
            // Walked through the buffer: borrowing each element, not retaining it. Leaves are
            // counted here, without a call and a memo lookup each.
            let fitted = elements.withUnsafeBufferPointer { buffer in
                for index in buffer.indices {
                    if let bound = leafBound(buffer[index]) {
                        remaining -= bound
                    } else if !fits(buffer[index], &remaining, &memo) {
                        return false
                    }
                    if remaining < 0 { return false }
                }
                return true
            }
            guard fitted else { return false }
        case .object(let members):
            remaining -= 2 + members.count
            let fitted = members.keys.elements.withUnsafeBufferPointer { keys in
                members.values.elements.withUnsafeBufferPointer { values in
                    for index in keys.indices {
                        remaining -= memo.keySize(keys[index], at: index) + 1
                        if let bound = leafBound(values[index]) {
                            remaining -= bound
                        } else if !fits(values[index], &remaining, &memo) {
                            return false
                        }
                        if remaining < 0 { return false }
                    }
                    return true
                }
            }
            guard fitted else { return false }
        case .string(let text):
            remaining -= stringSize(text)
        case .null, .bool, .int, .double:
            // Counted by leafBound above.
            break
        }
        if let identity, remaining >= 0 {
            // A string's count is its exact size; an array's or object's may count reals long.
            let size = before - remaining
            memo.remember(value, identity, estimate: size, exact: value.stringValue == nil ? nil : size)
        }
        return remaining >= 0
    }
}

/// The sizes of a few large arrays, objects and long strings already measured along one path, known
/// by their storage. A state's output mostly shares its parts with its input (a Pass that sets
/// `$.last` copies the top-level object, not what its members hold), so the next size check
/// skips those parts instead of walking the whole payload again on every state. An entry holds
/// its value, so its storage cannot be freed and reused by another value while it is
/// remembered; and a value cannot change without getting new storage, since it is shared.
struct SizeMemo: Sendable {
    /// Arrays and objects with fewer elements are walked: cheaper than looking them up.
    static let smallest = 32
    /// Strings with fewer bytes are scanned for escapes each time.
    static let longString = 256
    private static let capacity = 8

    /// A remembered value's storage: an array's buffer, an object's keys and values buffers, or
    /// a string's bytes.
    struct Identity: Equatable, Sendable {
        let first: UInt
        let second: UInt

        /// The identity of a value worth remembering: an array or object of `smallest` elements
        /// or more, or a native string of `longString` bytes or more; nil for the rest.
        @inline(__always)
        init?(of value: JSON) {
            switch value {
            case .array(let elements) where elements.count >= SizeMemo.smallest:
                first = Self.address(elements)
                second = 0
            case .object(let members) where members.count >= SizeMemo.smallest:
                first = Self.address(members.keys.elements)
                second = Self.address(members.values.elements)
            case .string(let text) where text.utf8.count >= SizeMemo.longString:
                guard let address = text.utf8.withContiguousStorageIfAvailable({ UInt(bitPattern: $0.baseAddress) }) else {
                    return nil
                }
                first = address
                second = 1
            default:
                return nil
            }
        }

        private static func address<Element>(_ array: [Element]) -> UInt {
            array.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        }
    }

    private struct Entry: Sendable {
        let value: JSON
        let identity: Identity
        /// The quick pass's over-count (see ``PayloadSize``), and the exact size once measured.
        var estimate: Int?
        var exact: Int?
    }

    private var entries: [Entry] = []
    private var nextSlot = 0
    /// The last key met at each of an object's first positions, with its size: the objects of
    /// an array mostly share their keys, in the same order.
    private var recentKeys: [(key: String, size: Int)] = []
    private static let keyPositions = 8

    /// A member name's size, from the last key met at `position` when it is the same.
    @inline(__always)
    mutating func keySize(_ key: String, at position: Int) -> Int {
        guard position < Self.keyPositions else { return PayloadSize.stringSize(key) }
        if position < recentKeys.count {
            // Equal as strings and in UTF-8 length: canonically equivalent spellings differ only
            // in letters and marks, never in the bytes that take escapes, so the sizes agree.
            let recent = recentKeys[position]
            if recent.key.utf8.count == key.utf8.count, recent.key == key { return recent.size }
            let size = PayloadSize.stringSize(key)
            recentKeys[position] = (key, size)
            return size
        }
        let size = PayloadSize.stringSize(key)
        if position == recentKeys.count { recentKeys.append((key, size)) }
        return size
    }

    /// The exact size when it was measured, else the quick pass's.
    func knownSize(of identity: Identity) -> Int? {
        for entry in entries where entry.identity == identity { return entry.exact ?? entry.estimate }
        return nil
    }

    func exactSize(of identity: Identity) -> Int? {
        for entry in entries where entry.identity == identity { return entry.exact }
        return nil
    }

    mutating func remember(_ value: JSON, _ identity: Identity, estimate: Int? = nil, exact: Int? = nil) {
        if let index = entries.firstIndex(where: { $0.identity == identity }) {
            if let estimate { entries[index].estimate = estimate }
            if let exact { entries[index].exact = exact }
            return
        }
        let entry = Entry(value: value, identity: identity, estimate: estimate, exact: exact)
        if entries.count < Self.capacity {
            entries.append(entry)
        } else {
            entries[nextSlot] = entry
            nextSlot = (nextSlot + 1) % Self.capacity
        }
    }
}
