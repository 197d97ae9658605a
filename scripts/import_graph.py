#!/usr/bin/env python3
"""Checks the import graph of the Rust code: fuota-core's modules (core/src) and the console's
(src) import one another without a cycle, and the core's folders only in one direction (wire <-
campaign, input <- radio <- run, preflight). Comments are not imports."""
import glob, os, re, sys

HERE = os.path.dirname(__file__)
# Which folders of the core each folder may use: nothing else, so the domains stay layered.
# `parts`, `sort` and `words` (one module each, no folder) are under them all: any folder may use
# them, they use none.
CORE_BASE = {'parts', 'sort', 'words'}
CORE_ALLOWED = {'parts': set(), 'sort': set(), 'words': set(), 'wire': set(), 'campaign': {'wire'}, 'input': {'wire'}, 'radio': {'wire', 'campaign', 'input'}, 'run': {'wire', 'campaign', 'radio', 'input'}, 'preflight': {'wire', 'campaign', 'radio', 'input'}, 'rollout': {'wire', 'campaign', 'input', 'run'}}


def graph(root):
    """Each module (`ui::run::send`) and the modules it uses."""
    def module_of(path):
        rel = os.path.relpath(path, root)[:-3].split(os.sep)
        return '::'.join(p for p in rel if p not in ('mod', 'lib', 'main'))

    paths = {}
    for path in glob.glob(os.path.join(root, '**', '*.rs'), recursive=True):
        name = module_of(path)
        code = '\n'.join(line.split('//')[0] for line in open(path, encoding='utf-8'))
        used = set()
        for m in re.finditer(r'\bcrate((?:::[A-Za-z_][A-Za-z0-9_]*)+)', code):
            used.add(m.group(1)[2:])
        # `super::x` in a folder's mod.rs is the folder's sibling; in any other file, its own sibling.
        parent = name.rsplit('::', 1)[0] if '::' in name else ''
        for m in re.finditer(r'\bsuper((?:::[A-Za-z_][A-Za-z0-9_]*)+)', code):
            used.add(f'{parent}{m.group(1)}' if parent else m.group(1)[2:])
        paths[name] = used

    def module(path):
        """The longest module a path (`tasks::ACCOUNT`, `ui::run::send::Sendable`) lies in."""
        parts = path.split('::')
        for n in range(len(parts), 0, -1):
            if '::'.join(parts[:n]) in paths:
                return '::'.join(parts[:n])
        return None

    modules = {}
    for name, used in paths.items():
        found = {module(u) for u in used} - {None, name}
        modules[name] = {u for u in found if not name.startswith(u + '::')}
    return modules

def check(label, modules, allowed=None):
    problems = []
    if allowed:
        for name, used in modules.items():
            folder = name.split('::')[0]
            for u in used:
                other = u.split('::')[0]
                if other != folder and folder in allowed and other not in allowed[folder] | CORE_BASE:
                    problems.append(f'{label}: {name} uses {u}: {folder} may not use {other}')
    # Cycles between modules (depth-first search).
    state, stack = {}, []

    def visit(n):
        state[n] = 'open'
        stack.append(n)
        for u in sorted(modules.get(n, ())):
            if u not in modules:
                continue
            if state.get(u) == 'open':
                problems.append(f'{label}: cycle: ' + ' -> '.join(stack[stack.index(u):] + [u]))
            elif u not in state:
                visit(u)
        stack.pop()
        state[n] = 'done'

    for n in sorted(modules):
        if n not in state:
            visit(n)
    print(f'{label}: {len(modules)} modules, {len(problems)} problems')
    return problems


problems = check('core', graph(os.path.join(HERE, '..', 'core', 'src')), CORE_ALLOWED)
problems += check('console', graph(os.path.join(HERE, '..', 'src')))
problems += check('local endpoint', graph(os.path.join(HERE, '..', 'local-endpoint', 'src')))
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
