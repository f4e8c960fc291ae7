export default function View() {
  return <p>performance</p>;
}
