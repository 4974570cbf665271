import Foundation

/// Lotus' sector file types (storiface/filetype.go): the bit, and the directory and JSON name.
public enum SectorFileType: Int, CaseIterable, Sendable {
    case unsealed = 1, sealed = 2, cache = 4, update = 8, updateCache = 16, piece = 32

    public var name: String {
        switch self {
        case .unsealed: "unsealed"
        case .sealed: "sealed"
        case .cache: "cache"
        case .update: "update"
        case .updateCache: "update-cache"
        case .piece: "piece"
        }
    }

    public init?(name: String) {
        guard let t = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = t
    }
}

/// `s-t0<miner>-<number>` (storiface SectorName / ParseSectorID).
public struct SectorID: Hashable, Sendable, CustomStringConvertible {
    public var miner: UInt64
    public var number: UInt64

    public init(miner: UInt64, number: UInt64) {
        self.miner = miner
        self.number = number
    }

    public init?(name: String) {
        guard name.hasPrefix("s-t0") else { return nil }
        let parts = name.dropFirst(4).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let m = UInt64(parts[0]), let n = UInt64(parts[1]) else { return nil }
        miner = m
        number = n
    }

    public var description: String { "s-t0\(miner)-\(number)" }
}

public enum StorageError: Error, CustomStringConvertible, Equatable {
    case alreadyInitialized(String)
    case notInitialized(String)
    case needsSealOrStore
    case badMeta(String, String)
    case io(String, String)
    case badSize(String)

    public var description: String {
        switch self {
        case .alreadyInitialized(let p): "path \(p) is already initialized (sectorstore.json exists); attach it without --init"
        case .notInitialized(let p): "path \(p) has no sectorstore.json; use --init (with --seal and/or --store) to initialize it"
        case .needsSealOrStore: "--init needs --seal and/or --store"
        case .badMeta(let p, let why): "\(p)/sectorstore.json is not valid: \(why)"
        case .io(let p, let why): "\(p): \(why)"
        case .badSize(let s): "cannot read the size '\(s)' (e.g. 2TiB, 500GiB)"
        }
    }
}

/// A path's `sectorstore.json` (Lotus' LocalStorageMeta).
public struct LocalStorageMeta: Equatable, Sendable {
    public var id: String
    public var weight: UInt64 = 10
    public var canSeal = false
    public var canStore = false
    public var maxStorage: UInt64 = 0
    public var groups: [String]?
    public var allowTo: [String]?
    public var allowTypes: [String]?
    public var denyTypes: [String]?
    public var allowMiners: [String]?
    public var denyMiners: [String]?

    public init(id: String = UUID().uuidString.lowercased()) { self.id = id }

    /// Go's `json.MarshalIndent(meta, "", "  ")`: fields in struct order, unset lists `null`.
    public var goJSON: String {
        func str(_ s: String) -> String {
            var out = "\""
            for u in s.unicodeScalars {
                switch u {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "<": out += "\\u003c"
                case ">": out += "\\u003e"
                case "&": out += "\\u0026"
                default:
                    if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
                }
            }
            return out + "\""
        }
        func list(_ l: [String]?) -> String {
            guard let l else { return "null" }
            if l.isEmpty { return "[]" }
            return "[\n" + l.map { "    " + str($0) }.joined(separator: ",\n") + "\n  ]"
        }
        let fields: [(String, String)] = [
            ("ID", str(id)), ("Weight", "\(weight)"), ("CanSeal", "\(canSeal)"), ("CanStore", "\(canStore)"),
            ("MaxStorage", "\(maxStorage)"), ("Groups", list(groups)), ("AllowTo", list(allowTo)), ("AllowTypes", list(allowTypes)),
            ("DenyTypes", list(denyTypes)), ("AllowMiners", list(allowMiners)), ("DenyMiners", list(denyMiners)),
        ]
        return "{\n" + fields.map { "  \"\($0.0)\": \($0.1)" }.joined(separator: ",\n") + "\n}"
    }

    public init(json data: Data, path: String) throws {
        guard let o = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { throw StorageError.badMeta(path, "not a JSON object") }
        guard let id = o["ID"] as? String, !id.isEmpty else { throw StorageError.badMeta(path, "no ID") }
        self.id = id
        func u64(_ k: String) throws -> UInt64? {
            guard let v = o[k], !(v is NSNull) else { return nil }
            guard let n = v as? NSNumber, n.doubleValue >= 0 else { throw StorageError.badMeta(path, "\(k) is not an unsigned integer") }
            return n.uint64Value
        }
        func list(_ k: String) throws -> [String]? {
            guard let v = o[k], !(v is NSNull) else { return nil }
            guard let l = v as? [String] else { throw StorageError.badMeta(path, "\(k) is not a list of strings") }
            return l
        }
        weight = try u64("Weight") ?? 10
        maxStorage = try u64("MaxStorage") ?? 0
        canSeal = (o["CanSeal"] as? Bool) ?? false
        canStore = (o["CanStore"] as? Bool) ?? false
        groups = try list("Groups")
        allowTo = try list("AllowTo")
        allowTypes = try list("AllowTypes")
        denyTypes = try list("DenyTypes")
        allowMiners = try list("AllowMiners")
        denyMiners = try list("DenyMiners")
    }
}

/// A node's attached storage: `<repo>/storage.json` and each path's `sectorstore.json`.
public struct LocalStorage: Sendable {
    public let repo: String
    public var configPath: String { repo + "/storage.json" }

    public init(repo: String) { self.repo = repo }

    public struct Attach: Sendable {
        public var initialize = false
        public var seal = false
        public var store = false
        public var weight: UInt64 = 10
        public var maxStorage: UInt64 = 0
        public var groups: [String] = []
        public var allowTo: [String] = []
        public init() {}
    }

    /// The attached paths (storage.json), in order.
    public func paths() throws -> [String] {
        guard let data = FileManager.default.contents(atPath: configPath) else { return [] }
        guard let o = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw StorageError.badMeta(configPath, "storage.json is not a JSON object")
        }
        let list = (o["StoragePaths"] as? [[String: Any]]) ?? []
        return list.compactMap { $0["Path"] as? String }
    }

    func writePaths(_ paths: [String]) throws {
        let body = paths.isEmpty ? "[]" : "[\n" + paths.map { "    {\n      \"Path\": \(storageJSONString($0))\n    }" }.joined(separator: ",\n") + "\n  ]"
        try storageWriteAtomically("{\n  \"StoragePaths\": \(body)\n}", to: configPath)
    }

    /// `storage attach [--init --seal --store …] PATH`.
    @discardableResult
    public func attach(_ rawPath: String, _ o: Attach) throws -> LocalStorageMeta {
        let path = (rawPath as NSString).standardizingPath.hasPrefix("/") ? (rawPath as NSString).standardizingPath
                                                                          : FileManager.default.currentDirectoryPath + "/" + rawPath
        let fm = FileManager.default
        let metaPath = path + "/sectorstore.json"
        var meta: LocalStorageMeta
        if o.initialize {
            guard o.seal || o.store else { throw StorageError.needsSealOrStore }
            if fm.fileExists(atPath: metaPath) { throw StorageError.alreadyInitialized(path) }
            do { try fm.createDirectory(atPath: path, withIntermediateDirectories: true) } catch { throw StorageError.io(path, "\(error.localizedDescription)") }
            meta = LocalStorageMeta()
            meta.canSeal = o.seal
            meta.canStore = o.store
            meta.weight = o.weight
            meta.maxStorage = o.maxStorage
            if !o.groups.isEmpty { meta.groups = o.groups }
            if !o.allowTo.isEmpty { meta.allowTo = o.allowTo }
            try storageWriteAtomically(meta.goJSON, to: metaPath)
        } else {
            guard let data = fm.contents(atPath: metaPath) else { throw StorageError.notInitialized(path) }
            meta = try LocalStorageMeta(json: data, path: path)
        }
        for t in SectorFileType.allCases {
            do { try fm.createDirectory(atPath: path + "/" + t.name, withIntermediateDirectories: true) } catch { throw StorageError.io(path, "\(error.localizedDescription)") }
        }
        var list = try paths()
        if !list.contains(path) {
            list.append(path)
            try writePaths(list)
        }
        return meta
    }

    /// One attached path as `storage list` reports it.
    public struct PathStat: Sendable {
        public var path: String
        public var meta: LocalStorageMeta?
        public var error: String?
        public var capacity: UInt64 = 0
        public var available: UInt64 = 0
        public var reserved: UInt64 = 0
        public var used: UInt64 = 0       // bytes of sector files in the path
        public var counts: [SectorFileType: Int] = [:]
    }

    public func pathStats() throws -> [PathStat] {
        try paths().map { p in
            var s = PathStat(path: p)
            guard let data = FileManager.default.contents(atPath: p + "/sectorstore.json") else {
                s.error = "\(p)/sectorstore.json: missing (path detached or not mounted?)"
                return s
            }
            do { s.meta = try LocalStorageMeta(json: data, path: p) } catch { s.error = "\(error)"; return s }
            var fs = statvfs()
            guard statvfs(p, &fs) == 0 else {
                s.error = "statfs \(p): \(String(cString: strerror(errno)))"
                return s
            }
            s.capacity = UInt64(fs.f_blocks) * UInt64(fs.f_frsize)
            s.available = UInt64(fs.f_bavail) * UInt64(fs.f_frsize)
            for t in SectorFileType.allCases {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: p + "/" + t.name)) ?? []
                let sectors = names.filter { SectorID(name: $0) != nil }
                s.counts[t] = sectors.count
                for n in sectors { s.used += Self.du(p + "/" + t.name + "/" + n) }
            }
            return s
        }
    }

    /// Bytes allocated under a file or directory.
    static func du(_ path: String) -> UInt64 {
        var st = stat()
        guard lstat(path, &st) == 0 else { return 0 }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            return names.reduce(0) { $0 + du(path + "/" + $1) }
        }
        return UInt64(st.st_blocks) * 512
    }

    /// `lotus-miner storage list` (node.md §2.3): one block per path, by capacity then ID.
    public func listText(url: String? = nil) throws -> String {
        let stats = try pathStats().sorted { a, b in
            a.capacity != b.capacity ? a.capacity > b.capacity : (a.meta?.id ?? a.path) < (b.meta?.id ?? b.path)
        }
        var out = ""
        for s in stats {
            out += "\(s.meta?.id ?? s.path):\n"
            if let e = s.error {
                out += "\tError: \(e):\n\n"
                continue
            }
            guard let m = s.meta else { continue }
            let usedFS = s.capacity - Swift.min(s.capacity, s.available)
            out += "\t[\(Self.bar(used: usedFS, reserved: s.reserved, total: s.capacity))] \(sizeStr(usedFS))/\(sizeStr(s.capacity)) \(s.capacity > 0 ? usedFS * 100 / s.capacity : 0)%\(m.maxStorage > 0 ? " (filesystem)" : "")\n"
            if m.maxStorage > 0 {
                out += "\t[\(Self.bar(used: s.used, reserved: 0, total: m.maxStorage))] \(sizeStr(s.used))/\(sizeStr(m.maxStorage)) \(s.used * 100 / m.maxStorage)% (limit)\n"
            }
            out += "\tUnsealed: \(s.counts[.unsealed] ?? 0); Sealed: \(s.counts[.sealed] ?? 0); Caches: \(s.counts[.cache] ?? 0); Updated: \(s.counts[.update] ?? 0); Update-caches: \(s.counts[.updateCache] ?? 0); Reserved: \(sizeStr(s.reserved))\n"
            let use = !m.canSeal && !m.canStore ? "ReadOnly" : (m.canSeal ? "Seal " : "") + (m.canStore ? "Store" : "")
            out += "\tWeight: \(m.weight); Use: \(use)\n"
            if let g = m.groups, !g.isEmpty { out += "\tGroups: \(g.joined(separator: ", "))\n" }
            if let g = m.allowTo, !g.isEmpty { out += "\tAllowTo: \(g.joined(separator: ", "))\n" }
            let allow = m.allowTypes ?? [], deny = m.denyTypes ?? []
            if !allow.isEmpty || !deny.isEmpty {
                out += "\tAllow Types: \(allow.joined(separator: " "))  |  Deny Types:  \(deny.joined(separator: " "))\n"
            }
            out += "\tLocal: \(s.path)\n"
            if let url { out += "\tURL: \(url)\n" }
            out += "\n"
        }
        return out
    }

    /// 50 columns: '#' used, '*' reserved, ' ' free.
    static func bar(used: UInt64, reserved: UInt64, total: UInt64) -> String {
        guard total > 0 else { return String(repeating: " ", count: 50) }
        let u = Int(Swift.min(50, used * 50 / total))
        let r = Int(Swift.min(UInt64(50 - u), reserved * 50 / total))
        return String(repeating: "#", count: u) + String(repeating: "*", count: r) + String(repeating: " ", count: 50 - u - r)
    }
}

/// Lotus' types.SizeStr: binary units, `%.4g`.
public func sizeStr(_ bytes: UInt64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
    var f = Double(bytes), i = 0
    while f >= 1024 && i + 1 < units.count {
        f /= 1024
        i += 1
    }
    return String(format: "%.4g %@", f, units[i])
}

/// "2TiB", "500 GiB", "1024" → bytes.
public func parseByteSize(_ s: String) throws -> UInt64 {
    let t = s.replacingOccurrences(of: " ", with: "")
    let units: [(String, Double)] = [("TiB", 1_099_511_627_776), ("GiB", 1_073_741_824), ("MiB", 1_048_576), ("KiB", 1024),
                                     ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3), ("B", 1)]
    for (u, m) in units where t.hasSuffix(u) {
        if let v = Double(t.dropLast(u.count)), v >= 0, v.isFinite { return UInt64(v * m) }
        throw StorageError.badSize(s)
    }
    if let v = UInt64(t) { return v }
    throw StorageError.badSize(s)
}

func storageJSONString(_ s: String) -> String {
    let d = (try? JSONSerialization.data(withJSONObject: [s], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
    return String(String(decoding: d, as: UTF8.self).dropFirst().dropLast())
}

func storageWriteAtomically(_ text: String, to path: String) throws {
    let tmp = path + ".tmp"
    do {
        try Data((text + "\n").utf8).write(to: URL(fileURLWithPath: tmp))
        if rename(tmp, path) != 0 { throw StorageError.io(path, String(cString: strerror(errno))) }
    } catch let e as StorageError {
        throw e
    } catch {
        throw StorageError.io(path, error.localizedDescription)
    }
}
