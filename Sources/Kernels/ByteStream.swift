#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where streaming kernels (Fr32, CommP) read bytes from.
public protocol ByteSource {
    /// Fills up to `buffer.count` bytes; returns how many were written, 0 at the end.
    /// A short read does not mean the end: callers call again until 0.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// Where streaming kernels write bytes to.
public protocol ByteSink {
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws
}

public struct IOError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let operation: String
    public let code: Int32

    public init(path: String, operation: String, code: Int32) {
        self.path = path
        self.operation = operation
        self.code = code
    }

    public var description: String {
        "\(path): cannot \(operation): \(String(cString: strerror(code)))"
    }
}

extension ByteSource {
    /// Reads until the buffer is full or the source ends; returns the bytes read.
    public mutating func readFully(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var filled = 0
        while filled < buffer.count {
            let n = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            if n == 0 { break }
            filled += n
        }
        return filled
    }
}

/// A file (or standard input) read sequentially with read(2). Not Sendable: one reader.
public final class FileSource: ByteSource {
    public let path: String
    private let fd: Int32
    private let owned: Bool

    /// Opens `path` for reading; "-" is standard input.
    public init(path: String) throws(IOError) {
        self.path = path
        if path == "-" {
            fd = 0
            owned = false
        } else {
            let f = open(path, O_RDONLY)
            guard f >= 0 else { throw IOError(path: path, operation: "open", code: errno) }
            var st = stat()
            if fstat(f, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
                close(f)
                throw IOError(path: path, operation: "read (it is a directory)", code: EISDIR)
            }
            fd = f
            owned = true
        }
    }

    deinit { if owned { close(fd) } }

    func withDescriptor<R>(_ body: (Int32) throws -> R) rethrows -> R { try body(fd) }

    /// The size of a regular file, nil for pipes and terminals.
    public var regularFileSize: UInt64? {
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return UInt64(st.st_size)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let n = Glibc.read(fd, base, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw IOError(path: path, operation: "read", code: errno)
        }
    }
}

/// A file written sequentially with write(2), created or truncated.
public final class FileSink: ByteSink {
    public let path: String
    private let fd: Int32

    public init(path: String) throws(IOError) {
        self.path = path
        let f = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard f >= 0 else { throw IOError(path: path, operation: "create", code: errno) }
        fd = f
    }

    deinit { close(fd) }

    func withDescriptor<R>(_ body: (Int32) throws -> R) rethrows -> R { try body(fd) }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        var off = 0
        while off < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + off, bytes.count - off)
            if n < 0 {
                if errno == EINTR { continue }
                throw IOError(path: path, operation: "write", code: errno)
            }
            off += n
        }
    }
}

/// Bytes held in memory, as a source.
public struct BufferSource: ByteSource {
    public let bytes: [UInt8]
    public private(set) var offset = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let n = min(buffer.count, bytes.count - offset)
        if n > 0 {
            bytes.withUnsafeBytes { src in
                buffer.baseAddress!.copyMemory(from: src.baseAddress! + offset, byteCount: n)
            }
            offset += n
        }
        return n
    }
}

/// Collects written bytes in memory.
public struct BufferSink: ByteSink {
    public var bytes: [UInt8] = []
    public init() {}
    public mutating func write(_ b: UnsafeRawBufferPointer) { bytes.append(contentsOf: b) }
}
