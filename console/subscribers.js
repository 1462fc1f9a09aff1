// Placeholder until the Subscribers page is built.
export async function render(main) {
  const heading = document.createElement('h1');
  heading.textContent = 'Subscribers';
  main.append(heading);
}
