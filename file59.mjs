
const results = [];
for (const file of process.argv.slice(2)) {
  const m = await import(file);
  const head = m.buildHead();
  const layers = head.layers.map((l) => [l.getClassName(), l.getConfig().units ?? l.getConfig().rate ?? null, l.getConfig().activation ?? null]);
  results.push({ exports: Object.keys(m).sort(), classNames: m.CLASS_NAMES, settings: m.SETTINGS, layers, output: head.outputs[0].shape });
  head.dispose();
}
console.log('RESULT ' + JSON.stringify(results));
