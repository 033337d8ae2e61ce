;; The record-level structure pass in WebAssembly with 128-bit vectors, after simdjson's first
;; stage: record-level.ts's JavaScript loop is the reference, and a test runs both over generated
;; files. The bytes after the top array's `[` sit at offset 0 (zeros after them to a 64-byte
;; boundary, and 64 more). Each 64-byte block gives masks (one bit a byte): quotes, backslashes,
;; brackets, bytes below 0x20; escaped bytes (after an odd run of backslashes), quotes that are not escaped, bytes
;; inside strings (a prefix exclusive or of the quotes, carried from block to block), brackets
;; outside strings. Then the set bits are walked: brackets track depth and the elements' bounds,
;; escaped bytes mark the element (`u` or another escape), and between elements only blanks and one
;; comma may stand.
;;
;; scan(len, masks, out, max, table) answers the number of elements, their starts, ends (exclusive)
;; and escapes (1: a `\u`, 2: another) as i32 arrays at out, out + 4 max, out + 8 max, and in masks
;; one i64 a block of the quotes that open a string; the offset of the array's `]` is `closeAt()`.
;; The quotes that may open an `eventName` key (`e` after them, `N` 6 bytes on, a quote 10 on) are
;; checked (the word, a colon between blanks, a string starting with one of the table's names: the
;; table is `judge`'s), and those that do go to a list after the elements and the 256 bytes of the
;; bracket stack (room for len / 8 + 16); their count is `hits()`: the caller places them in their
;; elements. -1: not this shape, or not JSON as the reference refuses it (a byte below 0x20
;; inside a string, a backslash outside strings): the caller reads the file whole; -2: undecided
;; here (more elements or hits than there is room for): the reference decides. The 16-byte steps are
;; written out in full (a call per step cost a third of the time).
(module
  (memory (export "memory") 1)
  (global $close (mut i32) (i32.const -1))
  (global $hits (mut i32) (i32.const 0))
  (func (export "closeAt") (result i32) (global.get $close))
  (func (export "hits") (result i32) (global.get $hits))

  ;; The gap [from, to) between elements: blanks, and one comma when `comma` allows it (1); else -1.
  ;; Answers 1 when a comma was seen, 0 when not.
  (func $gap (param $from i32) (param $to i32) (param $comma i32) (result i32)
    (local $c i32) (local $seen i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $from) (local.get $to)))
        (local.set $c (i32.load8_u (local.get $from)))
        (if (i32.eq (local.get $c) (i32.const 0x2c))
          (then
            (if (i32.or (i32.eqz (local.get $comma)) (local.get $seen)) (then (return (i32.const -1))))
            (local.set $seen (i32.const 1)))
          (else
            (if (i32.eqz
                  (i32.or
                    (i32.or (i32.eq (local.get $c) (i32.const 0x20)) (i32.eq (local.get $c) (i32.const 0x0a)))
                    (i32.or (i32.eq (local.get $c) (i32.const 0x0d)) (i32.eq (local.get $c) (i32.const 0x09)))))
              (then (return (i32.const -1))))))
        (local.set $from (i32.add (local.get $from) (i32.const 1)))
        (br $next)))
    (local.get $seen))

  ;; A watched name starts at j and ends within len: the table's names that start with the byte at
  ;; j (see `judge` for the table), compared byte by byte. prefilter.ts's `watchedAt` is the reference.
  (func $named (param $j i32) (param $len i32) (param $table i32) (result i32)
    (local $g i32) (local $n i32) (local $k i32)
    (if (i32.ge_u (local.get $j) (local.get $len)) (then (return (i32.const 0))))
    (local.set $g
      (i32.load16_u
        (i32.add (i32.add (local.get $table) (i32.const 256)) (i32.shl (i32.load8_u (local.get $j)) (i32.const 1)))))
    (if (i32.eqz (local.get $g)) (then (return (i32.const 0))))
    (local.set $g (i32.add (local.get $table) (local.get $g)))
    (block $names
      (loop $name
        (local.set $n (i32.load8_u (local.get $g)))
        (br_if $names (i32.eqz (local.get $n)))
        (local.set $g (i32.add (local.get $g) (i32.const 1)))
        (if (i32.le_u (i32.add (local.get $j) (local.get $n)) (local.get $len))
          (then
            (local.set $k (i32.const 0))
            (block $differs
              (loop $byte
                (if (i32.eq (local.get $k) (local.get $n)) (then (return (i32.const 1))))
                (br_if $differs
                  (i32.ne
                    (i32.load8_u (i32.add (local.get $j) (local.get $k)))
                    (i32.load8_u (i32.add (local.get $g) (local.get $k)))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $byte)))))
        (local.set $g (i32.add (local.get $g) (local.get $n)))
        (br $name)))
    (i32.const 0))

  ;; The first offset from j on (below len) that is not a JSON blank.
  (func $blanks (param $j i32) (param $len i32) (result i32)
    (local $c i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $j) (local.get $len)))
        (local.set $c (i32.load8_u (local.get $j)))
        (br_if $done
          (i32.eqz
            (i32.or
              (i32.or (i32.eq (local.get $c) (i32.const 0x20)) (i32.eq (local.get $c) (i32.const 0x0a)))
              (i32.or (i32.eq (local.get $c) (i32.const 0x0d)) (i32.eq (local.get $c) (i32.const 0x09))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $next)))
    (local.get $j))

  ;; The string opening at the quote q (`e` after it, `N` 6 bytes on and a quote 10 bytes on, as the
  ;; scan found) is `eventName`, then blanks, a colon, blanks and a string that starts with a watched
  ;; name. structure-pass.ts's `watchedEventName` is the reference.
  (func $watchedKey (param $q i32) (param $len i32) (param $table i32) (result i32)
    (local $j i32)
    (if (i64.ne (i64.load offset=2 (local.get $q)) (i64.const 0x656d614e746e6576)) (then (return (i32.const 0))))
    (local.set $j (call $blanks (i32.add (local.get $q) (i32.const 11)) (local.get $len)))
    (if (i32.or (i32.ge_u (local.get $j) (local.get $len)) (i32.ne (i32.load8_u (local.get $j)) (i32.const 0x3a)))
      (then (return (i32.const 0))))
    (local.set $j (call $blanks (i32.add (local.get $j) (i32.const 1)) (local.get $len)))
    (if (i32.or (i32.ge_u (local.get $j) (local.get $len)) (i32.ne (i32.load8_u (local.get $j)) (i32.const 0x22)))
      (then (return (i32.const 0))))
    (call $named (i32.add (local.get $j) (i32.const 1)) (local.get $len) (local.get $table)))

  (func (export "scan") (param $len i32) (param $masks i32) (param $out i32) (param $max i32) (param $table i32) (result i32)
    (local $base i32) (local $r i64) (local $quote i64) (local $bs i64) (local $br i64)
    (local $escaped i64) (local $nextEscaped i64) (local $potential i64) (local $codes i64)
    (local $inString i64) (local $carry i64) (local $walk i64) (local $t i64) (local $p i32) (local $c i32)
    (local $depth i32) (local $count i32) (local $start i32) (local $flags i32) (local $gapFrom i32)
    (local $v v128) (local $l v128) (local $s v128) (local $ctl i64)
    (local $sp v128) (local $dq v128) (local $bsl v128) (local $ob v128) (local $cb v128)
    (local $comma i32) (local $stack i32) (local $key i64) (local $list i32) (local $room i32) (local $n i32)
    (local.set $stack (i32.add (local.get $out) (i32.mul (local.get $max) (i32.const 12))))
    (local.set $list (i32.add (local.get $stack) (i32.const 256)))
    (local.set $room (i32.add (i32.shr_u (local.get $len) (i32.const 3)) (i32.const 16)))
    (global.set $close (i32.const -1))
    (global.set $hits (i32.const 0))
    (local.set $sp (i8x16.splat (i32.const 0x20)))
    (local.set $dq (i8x16.splat (i32.const 0x22)))
    (local.set $bsl (i8x16.splat (i32.const 0x5c)))
    (local.set $ob (i8x16.splat (i32.const 0x7b)))
    (local.set $cb (i8x16.splat (i32.const 0x7d)))
    (block $end
      (loop $block
        (br_if $end (i32.ge_u (local.get $base) (local.get $len)))
        (local.set $r (block (result i64)
          (local.set $v (v128.load (local.get $base)))
          (local.set $l (v128.or (local.get $v) (local.get $sp)))
          (i64.or
            (i64.or
              (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v) (local.get $dq))))
              (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v) (local.get $bsl)))) (i64.const 16)))
            (i64.or
              (i64.shl (i64.extend_i32_u (i8x16.bitmask
                (v128.or (i8x16.eq (local.get $l) (local.get $ob)) (i8x16.eq (local.get $l) (local.get $cb))))) (i64.const 32))
              (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.lt_u (local.get $v) (local.get $sp)))) (i64.const 48))))))
        (local.set $quote (i64.and (i64.shr_u (local.get $r) (i64.const 0)) (i64.const 0xffff)))
        (local.set $bs (i64.and (i64.shr_u (local.get $r) (i64.const 16)) (i64.const 0xffff)))
        (local.set $br (i64.and (i64.shr_u (local.get $r) (i64.const 32)) (i64.const 0xffff)))
        (local.set $ctl (i64.shr_u (local.get $r) (i64.const 48)))
        (local.set $r (block (result i64)
          (local.set $v (v128.load offset=16 (local.get $base)))
          (local.set $l (v128.or (local.get $v) (local.get $sp)))
          (i64.or
            (i64.or
              (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v) (local.get $dq))))
              (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v) (local.get $bsl)))) (i64.const 16)))
            (i64.or
              (i64.shl (i64.extend_i32_u (i8x16.bitmask
                (v128.or (i8x16.eq (local.get $l) (local.get $ob)) (i8x16.eq (local.get $l) (local.get $cb))))) (i64.const 32))
              (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.lt_u (local.get $v) (local.get $sp)))) (i64.const 48))))))
        (local.set $quote (i64.or (local.get $quote) (i64.shl (i64.and (i64.shr_u (local.get $r) (i64.const 0)) (i64.const 0xffff)) (i64.const 16))))
        (local.set $bs (i64.or (local.get $bs) (i64.shl (i64.and (i64.shr_u (local.get $r) (i64.const 16)) (i64.const 0xffff)) (i64.const 16))))
        (local.set $br (i64.or (local.get $br) (i64.shl (i64.and (i64.shr_u (local.get $r) (i64.const 32)) (i64.const 0xffff)) (i64.const 16))))
        (local.set $ctl (i64.or (local.get $ctl) (i64.shl (i64.shr_u (local.get $r) (i64.const 48)) (i64.const 16))))
        (local.set $r (block (result i64)
          (local.set $v (v128.load offset=32 (local.get $base)))
          (local.set $l (v128.or (local.get $v) (local.get $sp)))
          (i64.or
            (i64.or
              (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v) (local.get $dq))))
              (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v) (local.get $bsl)))) (i64.const 16)))
            (i64.or
              (i64.shl (i64.extend_i32_u (i8x16.bitmask
                (v128.or (i8x16.eq (local.get $l) (local.get $ob)) (i8x16.eq (local.get $l) (local.get $cb))))) (i64.const 32))
              (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.lt_u (local.get $v) (local.get $sp)))) (i64.const 48))))))
        (local.set $quote (i64.or (local.get $quote) (i64.shl (i64.and (i64.shr_u (local.get $r) (i64.const 0)) (i64.const 0xffff)) (i64.const 32))))
        (local.set $bs (i64.or (local.get $bs) (i64.shl (i64.and (i64.shr_u (local.get $r) (i64.const 16)) (i64.const 0xffff)) (i64.const 32))))
        (local.set $br (i64.or (local.get $br) (i64.shl (i64.and (i64.shr_u (local.get $r) (i64.const 32)) (i64.const 0xffff)) (i64.const 32))))
        (local.set $ctl (i64.or (local.get $ctl) (i64.shl (i64.shr_u (local.get $r) (i64.const 48)) (i64.const 32))))
        (local.set $r (block (result i64)
          (local.set $v (v128.load offset=48 (local.get $base)))
          (local.set $l (v128.or (local.get $v) (local.get $sp)))
          (i64.or
            (i64.or
              (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v) (local.get $dq))))
              (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v) (local.get $bsl)))) (i64.const 16)))
            (i64.or
              (i64.shl (i64.extend_i32_u (i8x16.bitmask
                (v128.or (i8x16.eq (local.get $l) (local.get $ob)) (i8x16.eq (local.get $l) (local.get $cb))))) (i64.const 32))
              (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.lt_u (local.get $v) (local.get $sp)))) (i64.const 48))))))
        (local.set $quote (i64.or (local.get $quote) (i64.shl (i64.and (i64.shr_u (local.get $r) (i64.const 0)) (i64.const 0xffff)) (i64.const 48))))
        (local.set $bs (i64.or (local.get $bs) (i64.shl (i64.and (i64.shr_u (local.get $r) (i64.const 16)) (i64.const 0xffff)) (i64.const 48))))
        (local.set $br (i64.or (local.get $br) (i64.shl (i64.and (i64.shr_u (local.get $r) (i64.const 32)) (i64.const 0xffff)) (i64.const 48))))
        (local.set $ctl (i64.or (local.get $ctl) (i64.shl (i64.shr_u (local.get $r) (i64.const 48)) (i64.const 48))))
        ;; Escaped bytes: those after an odd run of backslashes (simdjson's even-series codes).
        (if (i64.eqz (local.get $bs))
          (then
            (local.set $escaped (local.get $nextEscaped))
            (local.set $nextEscaped (i64.const 0)))
          (else
            (local.set $potential (i64.and (local.get $bs) (i64.xor (local.get $nextEscaped) (i64.const -1))))
            (local.set $codes
              (i64.xor
                (i64.sub
                  (i64.or (i64.shl (local.get $potential) (i64.const 1)) (i64.const 0xaaaaaaaaaaaaaaaa))
                  (local.get $potential))
                (i64.const 0xaaaaaaaaaaaaaaaa)))
            (local.set $escaped (i64.xor (local.get $codes) (i64.or (local.get $bs) (local.get $nextEscaped))))
            (local.set $nextEscaped (i64.shr_u (i64.and (local.get $codes) (local.get $bs)) (i64.const 63)))))
        ;; Inside strings: a prefix exclusive or of the quotes that are not escaped.
        (local.set $quote (i64.and (local.get $quote) (i64.xor (local.get $escaped) (i64.const -1))))
        (local.set $inString (local.get $quote))
        (local.set $inString (i64.xor (local.get $inString) (i64.shl (local.get $inString) (i64.const 1))))
        (local.set $inString (i64.xor (local.get $inString) (i64.shl (local.get $inString) (i64.const 2))))
        (local.set $inString (i64.xor (local.get $inString) (i64.shl (local.get $inString) (i64.const 4))))
        (local.set $inString (i64.xor (local.get $inString) (i64.shl (local.get $inString) (i64.const 8))))
        (local.set $inString (i64.xor (local.get $inString) (i64.shl (local.get $inString) (i64.const 16))))
        (local.set $inString (i64.xor (local.get $inString) (i64.shl (local.get $inString) (i64.const 32))))
        (local.set $inString (i64.xor (local.get $inString) (local.get $carry)))
        (local.set $carry (i64.shr_s (local.get $inString) (i64.const 63)))
        (i64.store
          (i32.add (local.get $masks) (i32.shr_u (local.get $base) (i32.const 3)))
          (i64.and (local.get $quote) (local.get $inString)))
        ;; Quotes opening a string that may be `eventName`.
        (local.set $key (i64.and (local.get $quote) (local.get $inString)))
        (if (i64.ne (local.get $key) (i64.const 0))
          (then
                        (local.set $key (i64.and (local.get $key) (block (result i64)
                (local.set $s (i8x16.splat (i32.const 0x4e)))
                (i64.or
                  (i64.or
                    (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (v128.load offset=6 (local.get $base)) (local.get $s))))
                    (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (v128.load offset=22 (local.get $base)) (local.get $s)))) (i64.const 16)))
                  (i64.or
                    (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (v128.load offset=38 (local.get $base)) (local.get $s)))) (i64.const 32))
                    (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (v128.load offset=54 (local.get $base)) (local.get $s)))) (i64.const 48)))))))
            (if (i64.ne (local.get $key) (i64.const 0))
              (then (local.set $key (i64.and (local.get $key) (i64.and (block (result i64)
                (local.set $s (i8x16.splat (i32.const 0x65)))
                (i64.or
                  (i64.or
                    (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (v128.load offset=1 (local.get $base)) (local.get $s))))
                    (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (v128.load offset=17 (local.get $base)) (local.get $s)))) (i64.const 16)))
                  (i64.or
                    (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (v128.load offset=33 (local.get $base)) (local.get $s)))) (i64.const 32))
                    (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (v128.load offset=49 (local.get $base)) (local.get $s)))) (i64.const 48))))) (block (result i64)
                (local.set $s (i8x16.splat (i32.const 0x22)))
                (i64.or
                  (i64.or
                    (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (v128.load offset=10 (local.get $base)) (local.get $s))))
                    (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (v128.load offset=26 (local.get $base)) (local.get $s)))) (i64.const 16)))
                  (i64.or
                    (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (v128.load offset=42 (local.get $base)) (local.get $s)))) (i64.const 32))
                    (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (v128.load offset=58 (local.get $base)) (local.get $s)))) (i64.const 48))))))))))
            (block $listed
              (loop $hit
                (br_if $listed (i64.eqz (local.get $key)))
                (local.set $p (i32.add (local.get $base) (i32.wrap_i64 (i64.ctz (local.get $key)))))
                (local.set $key (i64.and (local.get $key) (i64.sub (local.get $key) (i64.const 1))))
                (if (call $watchedKey (local.get $p) (local.get $len) (local.get $table))
                  (then
                    (if (i32.eq (local.get $n) (local.get $room)) (then (return (i32.const -2))))
                    (i32.store (i32.add (local.get $list) (i32.shl (local.get $n) (i32.const 2))) (local.get $p))
                    (local.set $n (i32.add (local.get $n) (i32.const 1)))
                    (global.set $hits (local.get $n))))
                (br $hit)))))
        ;; Not JSON, as the reference refuses it: a byte below 0x20 inside a string (a reader resuming
        ;; at the next line would see other strings), a backslash outside strings.
        (if (i64.ne (i64.and (local.get $ctl) (local.get $inString)) (i64.const 0)) (then (return (i32.const -1))))
        (if (i64.ne (i64.and (local.get $bs) (i64.xor (local.get $inString) (i64.const -1))) (i64.const 0))
          (then (return (i32.const -1))))
        (local.set $walk
          (i64.or (i64.and (local.get $br) (i64.xor (local.get $inString) (i64.const -1))) (local.get $escaped)))
        (block $walked
          (loop $bit
            (br_if $walked (i64.eqz (local.get $walk)))
            (local.set $t (i64.ctz (local.get $walk)))
            (local.set $walk (i64.and (local.get $walk) (i64.sub (local.get $walk) (i64.const 1))))
            (local.set $p (i32.add (local.get $base) (i32.wrap_i64 (local.get $t))))
            (br_if $end (i32.ge_u (local.get $p) (local.get $len)))
            (local.set $c (i32.load8_u (local.get $p)))
            (if (i64.ne (i64.and (i64.shr_u (local.get $escaped) (local.get $t)) (i64.const 1)) (i64.const 0))
              (then
                (local.set $flags
                  (i32.or (local.get $flags) (select (i32.const 1) (i32.const 2) (i32.eq (local.get $c) (i32.const 0x75)))))
                (br $bit)))
            (if (i32.eqz (local.get $depth))
              (then
                (local.set $comma (call $gap (local.get $gapFrom) (local.get $p) (i32.ne (local.get $count) (i32.const 0))))
                (if (i32.lt_s (local.get $comma) (i32.const 0)) (then (return (i32.const -1))))
                (if (i32.eq (local.get $c) (i32.const 0x5d))
                  (then
                    (if (local.get $comma) (then (return (i32.const -1))))
                    (global.set $close (local.get $p))
                    (return (local.get $count))))
                (if (i32.ne (local.get $c) (i32.const 0x7b)) (then (return (i32.const -1))))
                (if (i32.and (i32.ne (local.get $count) (i32.const 0)) (i32.eqz (local.get $comma)))
                  (then (return (i32.const -1))))
                (if (i32.eq (local.get $count) (local.get $max)) (then (return (i32.const -2))))
                (local.set $start (local.get $p))
                (local.set $flags (i32.const 0))
                (i32.store8 (local.get $stack) (local.get $c))
                (local.set $depth (i32.const 1))
                (br $bit)))
            (if (i32.eq (i32.or (local.get $c) (i32.const 0x20)) (i32.const 0x7b))
              (then
                (if (i32.eq (local.get $depth) (i32.const 256)) (then (return (i32.const -1))))
                (i32.store8 (i32.add (local.get $stack) (local.get $depth)) (local.get $c))
                (local.set $depth (i32.add (local.get $depth) (i32.const 1)))
                (br $bit)))
            (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))
            (if (i32.ne (i32.load8_u (i32.add (local.get $stack) (local.get $depth))) (i32.sub (local.get $c) (i32.const 2)))
              (then (return (i32.const -1))))
            (if (i32.eqz (local.get $depth))
              (then
                (i32.store (i32.add (local.get $out) (i32.shl (local.get $count) (i32.const 2))) (local.get $start))
                (i32.store
                  (i32.add (i32.add (local.get $out) (i32.shl (local.get $max) (i32.const 2))) (i32.shl (local.get $count) (i32.const 2)))
                  (i32.add (local.get $p) (i32.const 1)))
                (i32.store
                  (i32.add (i32.add (local.get $out) (i32.shl (local.get $max) (i32.const 3))) (i32.shl (local.get $count) (i32.const 2)))
                  (local.get $flags))
                (local.set $count (i32.add (local.get $count) (i32.const 1)))
                (local.set $gapFrom (i32.add (local.get $p) (i32.const 1)))))
            (br $bit)))
        (local.set $base (i32.add (local.get $base) (i32.const 64)))
        (br $block)))
    (i32.const -1))

  ;; judge(len, table): the pre-filter's test of the `eventName` keys in one pass (prefilter.ts's
  ;; `keyVerdict` is the reference, and a test runs both). The places where a key may stand are found
  ;; 16 bytes at once: `e`, `N` 5 bytes on, a quote or a backslash (the key's closing quote, escaped
  ;; when the JSON is inside a string) 9 bytes on. Where the 9 bytes are `eventName`, a key is seen;
  ;; the bytes after it that the table marks as separators are skipped, and a watched name starting
  ;; there (within len) answers 2 at once. Else 1 when a key was seen, 0 when none, plus 4 when a
  ;; `ResultSet` key was seen (`R`, `S` 6 bytes on, a quote or a backslash 9 bytes on, found in the
  ;; same 16-byte step: Athena results, whose cells' keys say nothing). With `all` set, the number
;; of keys followed by a watched name instead (`watchedKeys`' count in prefilter.ts). The 32 bytes after
  ;; len must be zeros. The table (at `table`): 256 separator flags; 256 i16 offsets (from the table)
  ;; of the names starting with each byte, 0 for none; the names, a length byte and the bytes each,
  ;; each group ending with a length 0.
  (func (export "judge") (param $len i32) (param $table i32) (param $all i32) (result i32)
    (local $i i32) (local $m i32) (local $b i32) (local $end v128) (local $at v128) (local $seen i32)
    (local $j i32) (local $word i64) (local $count i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (local.set $end (v128.load offset=9 (local.get $i)))
        (local.set $at (v128.load (local.get $i)))
        (local.set $m
          (i8x16.bitmask
            (v128.and
              (v128.or
                (v128.and
                  (i8x16.eq (local.get $at) (i8x16.splat (i32.const 0x65)))
                  (i8x16.eq (v128.load offset=5 (local.get $i)) (i8x16.splat (i32.const 0x4e))))
                (v128.and
                  (i8x16.eq (local.get $at) (i8x16.splat (i32.const 0x52)))
                  (i8x16.eq (v128.load offset=6 (local.get $i)) (i8x16.splat (i32.const 0x53)))))
              (v128.or
                (i8x16.eq (local.get $end) (i8x16.splat (i32.const 0x22)))
                (i8x16.eq (local.get $end) (i8x16.splat (i32.const 0x5c)))))))
        (block $bits
          (loop $bit
            (br_if $bits (i32.eqz (local.get $m)))
            (local.set $b (i32.add (local.get $i) (i32.ctz (local.get $m))))
            (local.set $m (i32.and (local.get $m) (i32.sub (local.get $m) (i32.const 1))))
            (local.set $word (i64.load offset=1 (local.get $b)))
            ;; `R` is known (`esultSet`: no `eventName` place can hold it): a `ResultSet` key, 4.
            (if (i32.and
                  (i32.lt_u (local.get $b) (local.get $len))
                  (i64.eq (local.get $word) (i64.const 0x746553746c757365)))
              (then (local.set $seen (i32.or (local.get $seen) (i32.const 4)))))
            ;; `e` is known; `ventName` is one little-endian 8-byte word.
            (if (i32.and
                  (i32.lt_u (local.get $b) (local.get $len))
                  (i64.eq (local.get $word) (i64.const 0x656d614e746e6576)))
              (then
                (local.set $seen (i32.or (local.get $seen) (i32.const 1)))
                (local.set $j (i32.add (local.get $b) (i32.const 9)))
                (block $value
                  (loop $skip
                    (br_if $value (i32.ge_u (local.get $j) (local.get $len)))
                    (br_if $value
                      (i32.eqz (i32.load8_u (i32.add (local.get $table) (i32.load8_u (local.get $j))))))
                    (local.set $j (i32.add (local.get $j) (i32.const 1)))
                    (br $skip)))
                (if (call $named (local.get $j) (local.get $len) (local.get $table))
                  (then
                    (if (i32.eqz (local.get $all)) (then (return (i32.const 2))))
                    (local.set $count (i32.add (local.get $count) (i32.const 1)))))))
            (br $bit)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next)))
    (select (local.get $count) (local.get $seen) (local.get $all)))
)
