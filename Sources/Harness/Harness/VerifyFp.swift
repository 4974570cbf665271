import Foundation
import Kernels

/// Handlers of the BLS12-381 base-field families (fp, …).
let fpHandlers: [String: FamilyHandler] = [:]
