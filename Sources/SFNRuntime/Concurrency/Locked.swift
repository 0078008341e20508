import Synchronization

#if SFN_TSAN
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#endif

/// A value guarded by a lock: `Synchronization.Mutex`, except in builds for ThreadSanitizer.
///
/// On Linux `Mutex` parks contended waiters on a priority-inheriting futex, and the kernel hands
/// the lock to the next owner without any atomic operation that ThreadSanitizer observes, so under
/// contention it reports the guarded accesses as races. Builds compiled with `-DSFN_TSAN` (the
/// README's sanitizer command) use a `pthread_mutex_t` instead, which ThreadSanitizer models; every
/// other build uses `Mutex` unchanged. The two behave alike: one owner at a time, not reentrant.
public struct Locked<Value>: ~Copyable, @unchecked Sendable {
    #if SFN_TSAN
    @usableFromInline final class Box: @unchecked Sendable {
        @usableFromInline let mutex: UnsafeMutablePointer<pthread_mutex_t>
        @usableFromInline var value: Value

        init(_ value: Value) {
            self.value = value
            mutex = .allocate(capacity: 1)
            mutex.initialize(to: pthread_mutex_t())
            pthread_mutex_init(mutex, nil)
        }

        deinit {
            pthread_mutex_destroy(mutex)
            mutex.deallocate()
        }
    }

    @usableFromInline let box: Box

    /// A lock guarding `value`.
    public init(_ value: sending Value) { box = Box(value) }

    /// Runs `body` with the value, holding the lock.
    @inlinable
    public borrowing func withLock<Result, E: Error>(
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        pthread_mutex_lock(box.mutex)
        defer { pthread_mutex_unlock(box.mutex) }
        return try body(&box.value)
    }
    #else
    @usableFromInline let mutex: Mutex<Value>

    /// A lock guarding `value`.
    public init(_ value: sending Value) { mutex = Mutex(value) }

    /// Runs `body` with the value, holding the lock.
    @inlinable
    public borrowing func withLock<Result, E: Error>(
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        try mutex.withLock(body)
    }
    #endif
}
