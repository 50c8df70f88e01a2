// A br_table interpreter loop: a small stack machine whose dense opcode
// switch compiles to br_table, running a bytecode program that sums a
// pseudo-random sequence n times.
enum { PUSH, LOAD, STORE, ADD, SUB, MUL, XOR, SHR, DUP, JNZ, DEC, HALT, AND, SWAP, DROP, NOP };

static const int program[] = {
    PUSH, 12345, STORE, 0,          // x = 12345
    PUSH, 0, STORE, 1,              // acc = 0
    LOAD, 2,                        // counter from the argument
    // loop (pc = 10):
    LOAD, 0, PUSH, 1103515245, MUL, PUSH, 12345, ADD, DUP, STORE, 0,
    PUSH, 16, SHR, PUSH, 32767, AND,
    LOAD, 1, ADD, STORE, 1,
    NOP, DEC, DUP, JNZ, 10,
    DROP, LOAD, 1, HALT,
};

long long run(int n) {
    long long regs[4] = {0, 0, n, 0};
    long long stack[16];
    int sp = 0, pc = 0;
    for (;;) {
        int op = program[pc++];
        switch (op) {
        case PUSH: stack[sp++] = program[pc++]; break;
        case LOAD: stack[sp++] = regs[program[pc++]]; break;
        case STORE: regs[program[pc++]] = stack[--sp]; break;
        case ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case MUL: sp--; stack[sp - 1] = (unsigned int)(stack[sp - 1] * stack[sp]); break;
        case XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
        case SHR: sp--; stack[sp - 1] = (unsigned long long)stack[sp - 1] >> stack[sp]; break;
        case AND: sp--; stack[sp - 1] &= stack[sp]; break;
        case DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case SWAP: { long long t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; break; }
        case DROP: sp--; break;
        case DEC: stack[sp - 1]--; break;
        case JNZ: { int target = program[pc++]; if (stack[--sp]) pc = target; break; }
        case NOP: break;
        case HALT: return stack[sp - 1];
        default: return -1;
        }
    }
}
