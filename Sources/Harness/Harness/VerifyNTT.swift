import Foundation
import Kernels

/// Handlers of the NTT family (ntt).
let nttHandlers: [String: FamilyHandler] = [:]
