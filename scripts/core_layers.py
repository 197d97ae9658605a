#!/usr/bin/env python3
"""Checks that fuota-core's modules import one another without a cycle, and its folders in one
direction (wire <- campaign <- radio, input; wire <- input). Comments are not imports."""
import glob, os, re, sys

ROOT = os.path.join(os.path.dirname(__file__), '..', 'core', 'src')
# Which folders each folder may use: nothing else, so the domains stay layered.
ALLOWED = {'wire': set(), 'campaign': {'wire'}, 'input': {'wire'}, 'radio': {'wire', 'campaign', 'input'}, 'run': {'wire', 'campaign', 'radio', 'input'}, 'preflight': {'wire', 'campaign', 'radio', 'input'}}

def module_of(path):
    rel = os.path.relpath(path, ROOT)[:-3].split(os.sep)
    return '::'.join(p for p in rel if p not in ('mod', 'lib'))

modules = {}
for path in glob.glob(os.path.join(ROOT, '**', '*.rs'), recursive=True):
    name = module_of(path)
    code = '\n'.join(line.split('//')[0] for line in open(path, encoding='utf-8'))
    used = set()
    for m in re.finditer(r'\bcrate::([a-z_]+)::([a-z_]+)', code):
        used.add(f'{m.group(1)}::{m.group(2)}')
    for m in re.finditer(r'\bsuper::([a-z_]+)::', code):
        parent = name.rsplit('::', 1)[0] if '::' in name else ''
        used.add(f'{parent}::{m.group(1)}' if parent else m.group(1))
    modules[name] = {u for u in used if u != name}

problems = []
for name, used in modules.items():
    folder = name.split('::')[0]
    for u in used:
        other = u.split('::')[0]
        if other != folder and folder in ALLOWED and other not in ALLOWED[folder]:
            problems.append(f'{name} uses {u}: {folder} may not use {other}')

# Cycles between modules (depth-first search).
state, stack = {}, []
def visit(n):
    state[n] = 'open'; stack.append(n)
    for u in sorted(modules.get(n, ())):
        if u not in modules: continue
        if state.get(u) == 'open':
            problems.append('cycle: ' + ' -> '.join(stack[stack.index(u):] + [u]))
        elif u not in state:
            visit(u)
    stack.pop(); state[n] = 'done'
for n in sorted(modules):
    if n not in state: visit(n)

for p in problems: print(p)
print(f'{len(modules)} modules, {len(problems)} problems')
sys.exit(1 if problems else 0)
