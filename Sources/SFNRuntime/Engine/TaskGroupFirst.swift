extension TaskGroup {
    /// The first child result that is not nil (children racing a deadline answer nil when they
    /// are cancelled); the other children are cancelled. `fallback` when none answers.
    mutating func firstAnswer<Answer>(otherwise fallback: Answer) async -> Answer where ChildTaskResult == Answer? {
        var answer = fallback
        while let next = await self.next() {
            if let next {
                answer = next
                break
            }
        }
        cancelAll()
        return answer
    }
}
