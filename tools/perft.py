#!/usr/bin/python3
"""Independent perft for eqvk's game tests: counts legal play sequences of the given depth from the initial
state of deal_from_seed(seed) with declaration decl, written straight from spec §1 (pips, not tables).
Needs /usr/bin/python3, stdlib only.  Usage: tools/perft.py SEED DECL DEPTH
Also: tools/perft.py states SEED DECL PLAYS  (distinct states reachable after PLAYS random plays, the root
included, as chosen by random_state() in tests/test_solver.cpp).
"""
import random
import sys

TILES = [(h, l) for h in range(7) for l in range(h + 1)]  # index = h(h+1)/2 + l

def called(t, decl):
    h, l = TILES[t]
    if decl <= 6:
        return decl in (h, l)
    return decl in (7, 8) and h == l

def suit_led(t, decl):
    if decl != 9 and called(t, decl):
        return 7
    return TILES[t][0]

def follows(t, suit, decl):
    if suit == 7:
        return called(t, decl)
    return suit in TILES[t] and not called(t, decl)

def rank(t, suit, decl):
    h, l = TILES[t]
    if decl <= 7 and called(t, decl):
        return 32 + (h if decl == 7 else (14 if h == l else h + l))
    if follows(t, suit, decl):
        return 16 + (h if suit == 7 else (14 if h == l else h + l))
    return 0

def perft(hands, decl, leader, trick, depth):
    if depth == 0 or not any(hands):
        return 1
    p = (leader + len(trick)) % 4
    hand = hands[p]
    if trick:
        s = suit_led(trick[0], decl)
        f = [t for t in hand if follows(t, s, decl)]
        moves = f if f else list(hand)
    else:
        moves = list(hand)
    n = 0
    for t in moves:
        hands[p] = hand - {t}
        tr = trick + [t]
        if len(tr) == 4:
            s = suit_led(tr[0], decl)
            keys = [rank(x, s, decl) for x in tr]
            best = max(range(4), key=lambda i: (keys[i], -i))
            n += perft(hands, decl, (leader + best) % 4, [], depth - 1)
        else:
            n += perft(hands, decl, leader, tr, depth - 1)
        hands[p] = hand
    return n

def legal(hands, decl, leader, trick):
    hand = hands[(leader + len(trick)) % 4]
    if trick:
        s = suit_led(trick[0], decl)
        f = [t for t in hand if follows(t, s, decl)]
        if f:
            return sorted(f)
    return sorted(hand)

def play(hands, decl, leader, trick, t):
    p = (leader + len(trick)) % 4
    hands = list(hands)
    hands[p] = hands[p] - {t}
    tr = trick + (t,)
    if len(tr) == 4:
        s = suit_led(tr[0], decl)
        keys = [rank(x, s, decl) for x in tr]
        best = max(range(4), key=lambda i: (keys[i], -i))
        return tuple(hands), (leader + best) % 4, ()
    return tuple(hands), leader, tr

def count_states(seed, decl, plays):
    """Distinct states reachable after `plays` random plays chosen like tests/test_solver.cpp random_state."""
    d = list(range(28))
    random.Random(seed).shuffle(d)
    st = (tuple(frozenset(d[7 * p:7 * p + 7]) for p in range(4)), 0, ())
    rng = random.Random(seed * 31 + plays)
    for _ in range(plays):
        moves = legal(*st[:1], decl, st[1], st[2])
        st = play(st[0], decl, st[1], st[2], moves[rng._randbelow(len(moves))])
    seen, frontier = {st}, [st]
    while frontier:
        nxt = []
        for h, ld, tr in frontier:
            if not any(h):
                continue
            for t in legal(h, decl, ld, tr):
                c = play(h, decl, ld, tr, t)
                if c not in seen:
                    seen.add(c)
                    nxt.append(c)
        frontier = nxt
    return len(seen)

def main():
    if sys.argv[1] == "states":
        print(count_states(*map(int, sys.argv[2:5])))
        return
    seed, decl, depth = map(int, sys.argv[1:4])
    d = list(range(28))
    random.Random(seed).shuffle(d)
    hands = [set(d[7 * p:7 * p + 7]) for p in range(4)]
    print(perft(hands, decl, 0, [], depth))

if __name__ == "__main__":
    main()
