// Parses GDScript files with the tree-sitter GDScript grammar (Godot 4 syntax) and prints every
// syntax error as file:line:column. Exits 1 when any file has one. There is no Godot 4 on the build
// machine, so this is how the client's syntax is checked; GodotScriptSyntaxTest runs it.
'use strict';
const fs = require('fs');
const Parser = require('tree-sitter');
const GDScript = require('tree-sitter-gdscript');

const parser = new Parser();
parser.setLanguage(GDScript);

function errorsOf(node, found) {
  if (node.type === 'ERROR' || node.isMissing) {
    found.push(node);
  } else if (node.hasError) {
    for (const child of node.children) {
      errorsOf(child, found);
    }
  }
  return found;
}

let failed = false;
for (const file of process.argv.slice(2)) {
  // tree-sitter's default buffer is 32 KiB; the size given here lets a larger script parse whole
  const source = fs.readFileSync(file, 'utf8');
  const tree = parser.parse(source, null, { bufferSize: source.length * 2 + 1024 });
  const errors = errorsOf(tree.rootNode, []);
  for (const error of errors) {
    const at = `${file}:${error.startPosition.row + 1}:${error.startPosition.column + 1}`;
    const what = error.isMissing ? `missing ${error.type}` : `syntax error near "${error.text.split('\n')[0].slice(0, 60)}"`;
    console.log(`${at}: ${what}`);
  }
  console.log(`${file}: ${errors.length === 0 ? 'ok' : errors.length + ' syntax errors'}`);
  failed = failed || errors.length > 0;
}
process.exit(failed ? 1 : 0);
