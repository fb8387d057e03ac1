/// A growable run of bytes or plain values behind a raw pointer.
///
/// The compiled read path appends every output byte and keeps its per-document tables in
/// these: `Array` would add a uniqueness and bounds check to each append. A value type with
/// mutating methods, so accesses are checked statically; the owner calls `free()`.
///
/// Every allocation has `slack` values more than its capacity, so that byte runs ending
/// anywhere up to the count can be read a whole word at a time (`appendPadded`).
struct PlainStorage<Element: BitwiseCopyable> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity: Int
    static var slack: Int { 8 }

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity + Self.slack)
    }

    /// A copy of `values`, for tables written once.
    init(_ values: [Element]) {
        self.init(capacity: values.count)
        append(values)
    }

    func free() { base.deallocate() }

    @inline(never)
    fileprivate mutating func grow(to needed: Int) {
        let bigger = UnsafeMutablePointer<Element>.allocate(capacity: max(needed, capacity * 2) + Self.slack)
        bigger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity = max(needed, capacity * 2)
    }

    @inline(__always) mutating func append(_ value: Element) {
        if count == capacity { grow(to: count + 1) }
        base[count] = value
        count += 1
    }

    @inline(__always) mutating func append(_ start: UnsafePointer<Element>, _ length: Int) {
        if count + length > capacity { grow(to: count + length) }
        (base + count).update(from: start, count: length)
        count += length
    }

    mutating func append(_ values: [Element]) {
        values.withUnsafeBufferPointer { if let start = $0.baseAddress { append(start, $0.count) } }
    }

    @inline(__always) subscript(index: Int) -> Element {
        get { base[index] }
        nonmutating set { base[index] = newValue }
    }

    @inline(__always) mutating func truncate(to length: Int) { count = length }

    var buffer: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }
}

extension PlainStorage<UInt8> {
    /// Appends `length` bytes copied a whole word at a time: the source must be readable up
    /// to the next multiple of eight (a run of another `PlainStorage`, whose slack covers
    /// it). The bytes written past the new count are overwritten by the next append.
    @inline(__always) mutating func appendPadded(_ start: UnsafePointer<UInt8>, _ length: Int) {
        if count + length + 8 > capacity { grow(to: count + length + 8) }
        let target = UnsafeMutableRawPointer(base + count)
        let source = UnsafeRawPointer(start)
        var offset = 0
        while offset < length {
            target.storeBytes(of: source.loadUnaligned(fromByteOffset: offset, as: UInt64.self), toByteOffset: offset, as: UInt64.self)
            offset += 8
        }
        count += length
    }

    /// Like `append(_:_:)`, but short runs (keys, element text: most of them) are copied eight
    /// bytes at a time in place, where the call to `memmove` would cost more than the copy.
    @inline(__always) mutating func appendShort(_ start: UnsafePointer<UInt8>, _ length: Int) {
        guard length <= 32 else { return append(start, length) }
        if count + length > capacity { grow(to: count + length) }
        let target = UnsafeMutableRawPointer(base + count)
        let source = UnsafeRawPointer(start)
        var offset = 0
        while offset + 8 <= length {
            target.storeBytes(of: source.loadUnaligned(fromByteOffset: offset, as: UInt64.self), toByteOffset: offset, as: UInt64.self)
            offset += 8
        }
        while offset < length {
            target.storeBytes(of: source.load(fromByteOffset: offset, as: UInt8.self), toByteOffset: offset, as: UInt8.self)
            offset += 1
        }
        count += length
    }
}
