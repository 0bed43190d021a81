using CodexProxy.Codex;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace CodexProxy.Tests.Codex;

public sealed class CodexTurnTrackerTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ToolOutputRequest_ContinuesTheTurn_AndEchoesItsTurnState()
    {
        var time = new FakeTimeProvider(Start);
        var tracker = new CodexTurnTracker(time);

        var first = tracker.Begin("thread-a", continuesTurn: false, inputCount: 2);
        tracker.RecordTurnState(first, "ts-1");
        time.Advance(TimeSpan.FromSeconds(5));
        var second = tracker.Begin("thread-a", continuesTurn: true, inputCount: 4);

        Assert.Equal(first.TurnId, second.TurnId);
        Assert.Equal("ts-1", second.TurnState);
        Assert.Equal(Start, second.StartedAt);
    }

    [Fact]
    public void NewUserMessage_StartsANewTurn_WithoutTheOldTurnState()
    {
        var time = new FakeTimeProvider(Start);
        var tracker = new CodexTurnTracker(time);
        var first = tracker.Begin("thread-a", continuesTurn: false, inputCount: 2);
        tracker.RecordTurnState(first, "ts-1");
        time.Advance(TimeSpan.FromMinutes(1));

        var next = tracker.Begin("thread-a", continuesTurn: false, inputCount: 6);

        Assert.NotEqual(first.TurnId, next.TurnId);
        Assert.Null(next.TurnState);
        Assert.Equal(Start.AddMinutes(1), next.StartedAt);
    }

    [Fact]
    public void RetryOfTheTurnsFirstRequest_StaysInTheTurn()
    {
        var tracker = new CodexTurnTracker(new FakeTimeProvider(Start));
        var first = tracker.Begin("thread-a", continuesTurn: false, inputCount: 3);
        tracker.RecordTurnState(first, "ts-1");

        var retry = tracker.Begin("thread-a", continuesTurn: false, inputCount: 3);

        Assert.Equal(first.TurnId, retry.TurnId);
        Assert.Equal("ts-1", retry.TurnState);
    }

    [Fact]
    public void LateTurnStateOfAFinishedTurn_IsNotCarriedIntoTheNextTurn()
    {
        var tracker = new CodexTurnTracker(new FakeTimeProvider(Start));
        var old = tracker.Begin("thread-a", continuesTurn: false, inputCount: 2);
        var current = tracker.Begin("thread-a", continuesTurn: false, inputCount: 5);

        tracker.RecordTurnState(old, "ts-late");

        Assert.Null(tracker.Begin("thread-a", continuesTurn: true, inputCount: 7).TurnState);
        Assert.Equal(current.TurnId, tracker.Begin("thread-a", continuesTurn: true, inputCount: 7).TurnId);
    }

    [Fact]
    public void Threads_AreIndependent()
    {
        var tracker = new CodexTurnTracker(new FakeTimeProvider(Start));
        var a = tracker.Begin("thread-a", continuesTurn: false, inputCount: 2);
        tracker.RecordTurnState(a, "ts-a");

        var b = tracker.Begin("thread-b", continuesTurn: true, inputCount: 4);

        Assert.NotEqual(a.TurnId, b.TurnId);
        Assert.Null(b.TurnState);
    }

    [Fact]
    public void PastCapacity_TheLeastRecentlyUsedThreadIsForgotten()
    {
        var tracker = new CodexTurnTracker(new FakeTimeProvider(Start), capacity: 3);
        var a = tracker.Begin("a", continuesTurn: false, inputCount: 1);
        var b = tracker.Begin("b", continuesTurn: false, inputCount: 1);
        tracker.Begin("c", continuesTurn: false, inputCount: 1);
        tracker.Begin("a", continuesTurn: true, inputCount: 3);

        tracker.Begin("d", continuesTurn: false, inputCount: 1);

        Assert.Equal(3, tracker.Count);
        Assert.Equal(a.TurnId, tracker.Begin("a", continuesTurn: true, inputCount: 5).TurnId);
        Assert.NotEqual(b.TurnId, tracker.Begin("b", continuesTurn: true, inputCount: 3).TurnId);
        Assert.Equal(3, tracker.Count);
    }

    [Fact]
    public void ThreadMovedToAnotherAccount_KeepsItsTurnButNotTheOldAccountsTurnState()
    {
        var tracker = new CodexTurnTracker(new FakeTimeProvider(Start));
        var first = tracker.Begin("thread-1", continuesTurn: false, inputCount: 1);
        tracker.RecordTurnState(first, "state-from-account-1");

        tracker.ForgetTurnState("thread-1");
        var next = tracker.Begin("thread-1", continuesTurn: true, inputCount: 3);

        Assert.Equal(first.TurnId, next.TurnId);
        Assert.Null(next.TurnState);
    }
}
