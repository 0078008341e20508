/// SplitMix64: a small seeded generator, the same on every platform, so that fuzzed and
/// property tests reproduce and runs that draw entropy (names, tokens, jitter) repeat.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    /// The generator's state (the seed, at first).
    public var state: UInt64

    /// A generator seeded with `state`.
    public init(state: UInt64) { self.state = state }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

/// The same generator behind a `@Sendable () -> UInt64`, as `RuntimeConfiguration.random` takes it.
public final class SeededRandom: @unchecked Sendable {
    // @unchecked: a test's runtime draws from it on one execution's paths; the tests that use it
    // need repeatable sequences, not thread-safety.
    private var generator: SeededGenerator

    /// A source seeded with `seed`.
    public init(seed: UInt64) { generator = SeededGenerator(state: seed) }

    /// The next 64 random bits.
    @Sendable public func next() -> UInt64 { generator.next() }
}
