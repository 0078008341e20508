import Foundation

enum DateTimeFunctions {
    static let functions: [NativeFunction] = []
}
