// Placeholder until the Funnel page is built: the router needs a module for every page.
export async function render(main) {
  const heading = document.createElement('h1');
  heading.textContent = 'Funnel';
  const note = document.createElement('p');
  note.className = 'muted';
  note.textContent = 'Coming soon.';
  main.append(heading, note);
}
