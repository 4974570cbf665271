import Foundation
import Testing
@testable import NodeKit

private func tempDir() throws -> String {
    let d = FileManager.default.temporaryDirectory.appendingPathComponent("spnode-storage-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    return d
}

@Test func sectorNamesRoundTrip() {
    #expect(SectorID(miner: 1000, number: 1).description == "s-t01000-1")
    #expect(SectorID(name: "s-t01000-42") == SectorID(miner: 1000, number: 42))
    for bad in ["s-t1000-1", "s-t01000", "s-t0x-1", "s-t01000-1-2", "t01000-1", "s-t01000-"] { #expect(SectorID(name: bad) == nil) }
}

// Go's json.MarshalIndent of LocalStorageMeta (node.md §2.1): field order, two spaces, null lists.
@Test func sectorstoreJSONHasGoShape() throws {
    var m = LocalStorageMeta(id: "6d4c4a7e-3c1b-4f3e-9a41-2b2f0d7e5c11")
    m.canSeal = true
    m.groups = ["store-a"]
    #expect(m.goJSON == """
        {
          "ID": "6d4c4a7e-3c1b-4f3e-9a41-2b2f0d7e5c11",
          "Weight": 10,
          "CanSeal": true,
          "CanStore": false,
          "MaxStorage": 0,
          "Groups": [
            "store-a"
          ],
          "AllowTo": null,
          "AllowTypes": null,
          "DenyTypes": null,
          "AllowMiners": null,
          "DenyMiners": null
        }
        """)
    let back = try LocalStorageMeta(json: Data(m.goJSON.utf8), path: "x")
    #expect(back == m)
    #expect(throws: StorageError.self) { try LocalStorageMeta(json: Data("{\"Weight\": 1}".utf8), path: "x") }
    #expect(throws: StorageError.self) { try LocalStorageMeta(json: Data("{\"ID\": \"a\", \"Weight\": -1}".utf8), path: "x") }
}

@Test func attachInitAndListLikeLotus() throws {
    let d = try tempDir()
    defer { try? FileManager.default.removeItem(atPath: d) }
    let storage = LocalStorage(repo: d + "/repo")
    try FileManager.default.createDirectory(atPath: storage.repo, withIntermediateDirectories: true)
    var o = LocalStorage.Attach()
    o.initialize = true
    #expect(throws: StorageError.needsSealOrStore) { try storage.attach(d + "/seal", o) }
    o.seal = true
    let meta = try storage.attach(d + "/seal", o)
    #expect(meta.canSeal && !meta.canStore && meta.weight == 10)
    #expect(throws: StorageError.alreadyInitialized(d + "/seal")) { try storage.attach(d + "/seal", o) }
    #expect(throws: StorageError.notInitialized(d + "/none")) { try storage.attach(d + "/none", LocalStorage.Attach()) }
    var s = LocalStorage.Attach()
    s.initialize = true
    s.store = true
    s.maxStorage = 1 << 30
    s.groups = ["store-a"]
    try storage.attach(d + "/store", s)
    try storage.attach(d + "/seal", LocalStorage.Attach())  // re-attach: no duplicate
    #expect(try storage.paths() == [d + "/seal", d + "/store"])
    // A sealed sector file and its cache directory are counted.
    try Data(count: 2048).write(to: URL(fileURLWithPath: d + "/store/sealed/s-t01000-1"))
    try FileManager.default.createDirectory(atPath: d + "/store/cache/s-t01000-1", withIntermediateDirectories: true)
    try Data("not a sector".utf8).write(to: URL(fileURLWithPath: d + "/store/sealed/README"))
    let text = try storage.listText(url: "http://127.0.0.1:2345/remote")
    let blocks = text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
    #expect(blocks.count == 2)
    let store = try #require(blocks.first { $0.contains("Use: Store") })
    #expect(store.contains("\tUnsealed: 0; Sealed: 1; Caches: 1; Updated: 0; Update-caches: 0; Reserved: 0 B"))
    #expect(store.contains("% (filesystem)\n\t[") && store.contains("/1 GiB ") && store.contains("% (limit)"))
    #expect(store.contains("\tGroups: store-a\n") && store.contains("\tLocal: \(d)/store\n\tURL: http://127.0.0.1:2345/remote"))
    let seal = try #require(blocks.first { $0.contains("Use: Seal ") })
    #expect(seal.contains("\tWeight: 10; Use: Seal \n"))
    let bar = try #require(seal.split(separator: "\n").dropFirst().first)
    #expect(bar.hasPrefix("\t[") && bar.dropFirst(2).prefix(51).last == "]")
    // A path that disappears is an error block, not a crash.
    try FileManager.default.removeItem(atPath: d + "/seal")
    #expect(try storage.listText().contains("\tError: \(d)/seal/sectorstore.json: missing"))
}

@Test func sizesFormatAsLotus() throws {
    #expect(sizeStr(0) == "0 B")
    #expect(sizeStr(2048) == "2 KiB")
    #expect(sizeStr(UInt64(93.1 * 1_073_741_824)) == "93.1 GiB")
    #expect(sizeStr(500_107_862_016) == "465.8 GiB")
    #expect(try parseByteSize("2TiB") == 2 << 40)
    #expect(try parseByteSize("1024") == 1024)
    #expect(throws: StorageError.self) { try parseByteSize("lots") }
}
