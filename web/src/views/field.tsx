export default function View() {
  return <p>field</p>;
}
