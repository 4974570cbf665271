/// A rank-1 constraint system with its assignment: variables, linear combinations,
/// constraints ⟨a, w⟩·⟨b, w⟩ = ⟨c, w⟩, and public inputs (bellperson's layout: input 0 is
/// the constant ONE, then the public inputs; auxiliary variables after).
public final class ConstraintSystem {
    public struct Variable: Hashable, Sendable {
        public enum Kind: Sendable, Hashable { case input, aux }
        public let kind: Kind
        public let index: Int
    }

    public struct LinearCombination: Sendable {
        public var terms: [(Variable, Fr)]
        public init(_ terms: [(Variable, Fr)] = []) { self.terms = terms }
        public static func + (lc: LinearCombination, v: Variable) -> LinearCombination { lc + (v, .one) }
        public static func + (lc: LinearCombination, t: (Variable, Fr)) -> LinearCombination {
            var r = lc
            r.terms.append(t)
            return r
        }
        public static func - (lc: LinearCombination, v: Variable) -> LinearCombination { lc + (v, Fr.zero - .one) }
    }

    public struct Constraint: Sendable {
        public var a, b, c: LinearCombination
    }

    public static let one = Variable(kind: .input, index: 0)
    public private(set) var inputs: [Fr] = [.one]
    public private(set) var aux: [Fr] = []
    public private(set) var constraints: [Constraint] = []

    public init() {}

    /// A public input (its value is part of the statement).
    @discardableResult
    public func input(_ value: Fr) -> Variable {
        inputs.append(value)
        return Variable(kind: .input, index: inputs.count - 1)
    }

    /// A private (witness) variable.
    @discardableResult
    public func witness(_ value: Fr) -> Variable {
        aux.append(value)
        return Variable(kind: .aux, index: aux.count - 1)
    }

    public func enforce(_ a: LinearCombination, _ b: LinearCombination, _ c: LinearCombination) {
        constraints.append(Constraint(a: a, b: b, c: c))
    }

    public func value(_ v: Variable) -> Fr { v.kind == .input ? inputs[v.index] : aux[v.index] }

    public func evaluate(_ lc: LinearCombination) -> Fr {
        lc.terms.reduce(Fr.zero) { $0 + $1.1 * value($1.0) }
    }

    /// The index of the first constraint the assignment violates, or nil.
    public func firstUnsatisfied() -> Int? {
        constraints.firstIndex { evaluate($0.a) * evaluate($0.b) != evaluate($0.c) }
    }

    /// The public inputs without ONE (what a verifier is given).
    public var publicInputs: [Fr] { Array(inputs.dropFirst()) }

    /// A synthetic circuit of exactly `constraints` constraints with `publicInputs` public
    /// inputs: a chain of squarings and multiplications x_{i+1} = x_i·x_i + k_i·x_{i-1}
    /// folded into products, the last values exposed as the public inputs. Deterministic
    /// in `seed`; used to size Groth16 proving like a real circuit of that count.
    public static func synthetic(constraints n: Int, publicInputs k: Int = 2, seed: UInt64 = 1) -> ConstraintSystem {
        precondition(n >= k + 1 && k >= 0)
        let cs = ConstraintSystem()
        var state = seed | 1
        func next() -> Fr {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Fr(state >> 11)
        }
        var prev = cs.witness(next())
        var cur = cs.witness(next())
        for _ in 0..<(n - k) {
            // t = cur·(cur + k_i·prev)
            let ki = next()
            let t = cs.witness(cs.value(cur) * (cs.value(cur) + ki * cs.value(prev)))
            cs.enforce(LinearCombination([(cur, .one)]), LinearCombination([(cur, .one), (prev, ki)]), LinearCombination([(t, .one)]))
            prev = cur
            cur = t
        }
        // Public outputs: y_j = cur·(prev + j), each one constraint.
        for j in 0..<k {
            let y = cs.input(cs.value(cur) * (cs.value(prev) + Fr(UInt64(j))))
            cs.enforce(LinearCombination([(cur, .one)]), LinearCombination([(prev, .one), (one, Fr(UInt64(j)))]), LinearCombination([(y, .one)]))
        }
        return cs
    }
}
