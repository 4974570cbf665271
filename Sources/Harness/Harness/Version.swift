public enum HarnessVersion { public static let string = "0.1.0" }
