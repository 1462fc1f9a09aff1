// Placeholder until the Phone page is built.
export async function render(main) {
  const heading = document.createElement('h1');
  heading.textContent = 'Phone';
  main.append(heading);
}
